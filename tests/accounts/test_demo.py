"""The demo data `./dev up` loads: three accounts with working desks, loaded once."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tenant_apps.approvals.models import ApprovalRound
from tenant_apps.desk.models import ChecklistItem, Ticket
from tenant_apps.notices.models import Announcement
from tenant_apps.people.models import User
from tenants_shared.accounts.demo import load_demo
from tenants_shared.accounts.models import Account

pytestmark = pytest.mark.django_db


def test_demo_accounts_have_people_and_routed_tickets_and_loading_twice_changes_nothing():
    lines = load_demo()
    assert any("zelenopark" in line for line in lines)
    counts = {}
    for slug in ("zelenopark", "petrovsky", "sever-service"):
        account = Account.objects.get(slug=slug)
        with schema_context(account.schema_name):
            counts[slug] = Ticket.objects.count()
            assert User.objects.filter(role="account_admin").exists()
    with schema_context("a_zelenopark"):
        assert counts["zelenopark"] >= 30
        assert Ticket.objects.filter(group__code="plumbing", ticket_type__code="leak").exists()
        assert Ticket.objects.exclude(category="new").exists()
        assert User.objects.filter(role="key_user", company__isnull=False).count() == 12
        # the approval stories: through the gate, with remarks, reworked, rejected, and a queue
        statuses = set(Ticket.objects.values_list("status__key", flat=True))
        assert {"completed", "approved_with_remarks", "rejected", "pending_approval"} <= statuses
        # the demo accounts are Russian: so is their default desk ("Goods brought in")
        assert ChecklistItem.objects.filter(label="Товар завезён", done=True).exists()
        assert ApprovalRound.objects.filter(number=2, outcome="approved").exists()
        # the demo approver (README's login for /app/approvals) has decisions waiting
        from tenant_apps.approvals.selectors import pending_for

        assert pending_for(User.objects.get(email="approver@zelenopark.demo")).exists()
        published = Announcement.objects.filter(state="published")
        assert published.count() == 2
        drill = published.get(audience="all_tenants")
        confirmed = drill.receipts.filter(confirmed_at__isnull=False).count()
        assert 0 < confirmed < drill.receipts.count() == 12  # partly confirmed
        announcements = Announcement.objects.count()
        # shop01's portal shows the confirmation flow: work to confirm, rated work, returned work
        from tenant_apps.branding.models import Branding

        shop = {"requester__email": "shop01@zelenopark.demo"}
        assert Ticket.objects.filter(confirmation_state="awaiting", category="resolved", **shop).count() >= 2
        assert Ticket.objects.filter(confirmation_state="confirmed", rating=5, **shop).exists()
        assert Ticket.objects.filter(confirmation_state="returned", **shop).exists()
        branding = Branding.objects.get()
        assert branding.portal_name and branding.primary_color != branding.accent_color
    assert counts["petrovsky"] > 0 and counts["sever-service"] > 0
    load_demo()
    with schema_context("a_zelenopark"):
        assert Announcement.objects.count() == announcements
    for slug, count in counts.items():
        with schema_context(Account.objects.get(slug=slug).schema_name):
            assert Ticket.objects.count() == count
