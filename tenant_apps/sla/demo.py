"""The demo accounts' SLA policy (./dev up): "Standard service levels" on the account default
calendar (urgent 30 min / 4 h, high 1 h / 8 h, normal 4 h / 3 days, low 1 day / 10 days), with a
breach notifying the ticket's assignee (or its group). The demo tickets filed before it get their
timers from their histories at once."""

from __future__ import annotations

from . import services
from .models import SlaEscalation

DEMO_POLICY = "Standard service levels"


def fill_demo_sla() -> None:
    """Call inside the account's schema, in a transaction; once (an existing policy of that name
    is the admin's and stays)."""
    from .models import SlaPolicy

    if SlaPolicy.objects.filter(name=DEMO_POLICY).exists():
        return
    policy = services.ensure_default_policy(name=DEMO_POLICY)
    for target in ("response", "resolution"):
        SlaEscalation.objects.create(policy=policy, threshold="breach", target=target, action="notify")
    services.recompute_open(everything=True)
