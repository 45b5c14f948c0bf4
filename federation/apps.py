from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    """Ticket links, outbox and inbox: one copy per account schema."""

    name = "federation"
    label = "federation"
    verbose_name = _("Federation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the outbox listens on the ticket-event spine and declares which event kinds cross;
        # the appliers declare each message kind's applier; forwarding registers the routing
        # action "forward"
        from . import appliers, forwarding, outbox, registry  # noqa: F401

        registry.check_installed()  # an event or message kind nobody classified stops the start
