"""Account isolation, endpoint by endpoint: account A's people never reach account B's data.

Two mall accounts, A and B. B creates extra objects of every kind first, so the ids of those
objects exist only in B (checked before anything else). Then, for every endpoint of
atrium.urls_account:

(a) "cross": A's admin's session cookie, and A's admin's API token, sent to B's host are refused
    (401/403); signing in on B's host with A's credentials fails;
(b) "local": A's admin on A's own host, naming B's ids in URLs or bodies, gets 404 (or a 400 field
    error for a reference inside a body) and never B's data.

Either way B's data is byte-for-byte unchanged afterwards (compared in B's schema), and no answer
contains B's markers (its slug and the text "ZZB-secret" that every object of B carries).

A new endpoint needs a row in ROUTES: test_every_account_endpoint_has_isolation_cases fails
until each route name and HTTP method of the account URLconf has a "cross" and a "local" case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context
from knox.models import AuthToken

from billing.models import Subscription
from federation.directory.models import InvitationCode, Partnership
from federation.models import InboxMessage, OutboxMessage, TicketLink
from tenant_apps.approvals.models import ApprovalPolicy, ApprovalRound, ApprovalStep
from tenant_apps.audit.models import AuditEntry as AccountAuditEntry
from tenant_apps.calendars.models import BusinessCalendar, CalendarOverride, WorkingInterval
from tenant_apps.desk.models import (
    Attachment,
    ChecklistItem,
    ChecklistTemplate,
    Comment,
    FormField,
    RoutingRule,
    SavedView,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
    Transition,
    Workflow,
)
from tenant_apps.notices.models import Announcement, NoticeAttachment, ReadMark, Receipt
from tenant_apps.notifications.models import Notification
from tenant_apps.objects.models import Equipment, Location
from tenant_apps.passes.models import GateCheck, Pass
from tenant_apps.people.models import Company, Contact, ResponsibilityGroup, User
from tenant_apps.people.tokens import invitation_tokens, password_reset_tokens, welcome_tokens
from tenant_apps.schedules.models import Occurrence, Schedule
from tenant_apps.sla.models import SlaPolicy
from tests.support.worlds import PASSWORD, Mall, make_mall

pytestmark = pytest.mark.django_db

MARK = "ZZB-secret"
NEW_PASSWORD = "Another-Horse-77-staple"


# ---------------------------------------------------------------------------- the two accounts
@dataclass
class World:
    a: Mall
    b: Mall
    ids: dict[str, Any]  # b_* exist only in B; a_* are A's own
    a_session: Client  # A's admin, signed in on A's host
    b_session: Client  # B's admin, signed in on B's host
    a_token: str
    b_token: str
    invitations: dict[str, dict[str, str]]  # mailed links: invitations and password resets
    a_key_session: Client | None = None  # A's company key user, signed in on A's host
    markers: tuple[str, ...] = ()

    def url(self, route: str, kwargs: dict[str, str]) -> str:
        return reverse(
            route, urlconf="atrium.urls_account", kwargs={k: self.ids[v] for k, v in kwargs.items()}
        )


def _ok(client: Client, host: str, method: str, path: str, data=None, status=200, **extra):
    if data is not None and not extra.pop("multipart", False):
        extra["content_type"] = "application/json"
    response = getattr(client, method)(f"/api/v1{path}", data, HTTP_HOST=host, **extra)
    assert response.status_code == status, (method, path, response.status_code, response.content)
    return response.json() if response.content else None


def _token(host: str, email: str) -> str:
    return _ok(Client(), host, "post", "/auth/tokens/", {"email": email, "password": PASSWORD}, status=201)[
        "token"
    ]


def _invitation(mall: Mall, pk: int, tokens=invitation_tokens) -> dict[str, str]:
    with schema_context(mall.schema):
        user = User.objects.get(pk=pk)
        return {
            "uid": urlsafe_base64_encode(force_bytes(pk)),
            "token": tokens.make_token(user),
            "password": NEW_PASSWORD,
        }


def _welcome_link(mall: Mall, pk: int) -> dict[str, str]:
    """What the sign-up's sign-in link carries (uid and token, no password)."""
    link = _invitation(mall, pk, welcome_tokens)
    return {"uid": link["uid"], "token": link["token"]}


def _leak(mall: Mall, client: Client, title: str) -> int:
    return _ok(
        client,
        mall.host,
        "post",
        "/tickets/",
        {
            "type": "leak",
            "title": title,
            "fields": {"severity": "drip"},
            "location": mall.unit.pk,
        },
        status=201,
    )["id"]


def _upload(mall: Mall, client: Client, tid: int, name: str, content: bytes) -> int:
    return _ok(
        client,
        mall.host,
        "post",
        f"/tickets/{tid}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        status=201,
        multipart=True,
    )["id"]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two accounts (and B's contractor), built once for the module inside one transaction.

    Every test then runs in a savepoint of that transaction (pytest-django's `db`), so whatever a
    test changes is rolled back before the next; at the end the whole world, schemas included, is
    rolled back too. Building three accounts per case made this module most of the suite's time.
    """
    media = tmp_path_factory.mktemp("isolation-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            connection.set_schema_to_public()


@pytest.fixture
def world(shared_world, db) -> World:
    return shared_world


def _build_world() -> World:
    a, b = make_mall(), make_mall()
    ids: dict[str, Any] = {}

    # A: a little of everything, fewer than B
    a_admin, a_key = a.client("admin"), a.client("key_user")
    ids["a_ticket"] = _leak(a, a_key, "Dripping tap in A")
    ids["a_attachment"] = _upload(a, a_key, ids["a_ticket"], "a.txt", b"file of account A")
    ids["a_key_user"] = a.people["key_user"].pk
    ids["a_saved_view"] = _ok(a_admin, a.host, "post", "/saved-views/", {"name": "A view"}, status=201)["id"]

    # B: more of everything, all of it marked
    b_admin, b_key = b.client("admin"), b.client("key_user")
    for n in range(3):
        ids["b_ticket"] = _leak(b, b_key, f"{MARK} leak {n}")
    _ok(
        b_admin,
        b.host,
        "post",
        f"/tickets/{ids['b_ticket']}/comments/",
        {"body": f"{MARK} public"},
        status=201,
    )
    _ok(
        b_admin,
        b.host,
        "post",
        f"/tickets/{ids['b_ticket']}/comments/",
        {"body": f"{MARK} internal", "internal": True},
        status=201,
    )
    for n in range(2):
        ids["b_attachment"] = _upload(b, b_key, ids["b_ticket"], f"b{n}.txt", f"{MARK} file {n}".encode())
    for n in range(2):
        ids["b_saved_view"] = _ok(
            b_admin,
            b.host,
            "post",
            "/saved-views/",
            {"name": f"{MARK} view {n}", "filters": {"type": "leak"}, "shared": True},
            status=201,
        )["id"]
    # a bulk change B's admin follows (rolled back with the world: no worker ever applies it)
    ids["b_bulk_job"] = _ok(
        b_admin,
        b.host,
        "post",
        "/tickets/bulk/",
        {"ids": [ids["b_ticket"]], "changes": {"priority": 2}},
        status=202,
    )["job"]["id"]
    with schema_context(b.schema):
        incident = Workflow.objects.get(code="incident").pk
        plumbing = ResponsibilityGroup.objects.get(code="plumbing").pk
    ids["b_workflow"] = _ok(
        b_admin,
        b.host,
        "post",
        "/workflows/",
        {
            "code": "zzb",
            "name": f"{MARK} flow",
            "statuses": [
                {"key": "open", "name": "Open", "category": "new", "is_initial": True},
                {"key": "done", "name": "Done", "category": "closed"},
            ],
            "transitions": [{"source": "open", "target": "done", "name": "Finish"}],
        },
        status=201,
    )["id"]
    ids["b_ticket_type"] = _ok(
        b_admin,
        b.host,
        "post",
        "/ticket-types/",
        {
            "code": "zzb",
            "name": f"{MARK} type",
            "prefix": "ZZB",
            "workflow": incident,
            "filing_roles": ["employee"],
        },
        status=201,
    )["id"]
    ids["b_routing_rule"] = _ok(
        b_admin,
        b.host,
        "post",
        "/routing-rules/",
        {
            "name": f"{MARK} rule",
            "order": 99,
            "conditions": {"types": ["dirt"]},
            "actions": {"group": plumbing},
        },
        status=201,
    )["id"]
    ids["b_group"] = _ok(
        b_admin, b.host, "post", "/groups/", {"code": "zzb", "name": f"{MARK} group"}, status=201
    )["id"]
    ids["b_person"] = _ok(
        b_admin,
        b.host,
        "post",
        "/people/",
        {
            "email": "zzb-secret@b.example",
            "full_name": f"{MARK} Person",
            "role": "engineer",
        },
        status=201,
    )["id"]
    ids["b_external_id"] = "ext-zzb-1"
    ids["b_company"] = _ok(
        b_admin,
        b.host,
        "post",
        "/companies/",
        {
            "name": f"{MARK} Co",
            "external_id": ids["b_external_id"],
            "contacts": [{"name": f"{MARK} contact", "email": "c@b.example"}],
            "premises": [b.unit.pk],
        },
        status=201,
    )["id"]
    # B's key user invites an employee of their own company
    ids["b_employee"] = _ok(
        b_key,
        b.host,
        "post",
        "/team/",
        {"email": "zzb-employee@b.example", "full_name": f"{MARK} Employee"},
        status=201,
    )["id"]
    ids["b_location"] = _ok(
        b_admin,
        b.host,
        "post",
        "/locations/",
        {
            "kind": "unit",
            "name": f"{MARK} unit",
            "parent": b.unit.parent_id,
        },
        status=201,
    )["id"]
    ids["b_equipment"] = _ok(
        b_admin,
        b.host,
        "post",
        "/equipment/",
        {
            "kind": "pump",
            "name": f"{MARK} pump",
            "location": ids["b_location"],
        },
        status=201,
    )["id"]

    # B: a goods move-in waiting for approval (rounds, steps, checklist items), a policy, a template
    ids["b_goods_ticket"] = _ok(
        b_key,
        b.host,
        "post",
        "/tickets/",
        {
            "type": "goods_in",
            "title": f"{MARK} goods",
            "fields": {"when": "2030-01-01T08:00:00Z", "goods": MARK},
        },
        status=201,
    )["id"]
    ids["b_checklist_item"] = _ok(b_admin, b.host, "get", f"/tickets/{ids['b_goods_ticket']}/checklist/")[0][
        "id"
    ]
    types = {t["code"]: t["id"] for t in _ok(b_admin, b.host, "get", "/ticket-types/")}
    ids["b_policy"] = _ok(
        b_admin,
        b.host,
        "post",
        "/approval-policies/",
        {
            "ticket_type": types["goods_out"],
            "name": f"{MARK} policy",
            "approver_groups": [plumbing],
            "pending_status": "pending_approval",
            "rework_status": "needs_rework",
            "approved_status": "approved",
            "rejected_status": "rejected",
        },
        status=201,
    )["id"]
    ids["b_checklist_template"] = _ok(
        b_admin,
        b.host,
        "post",
        "/checklist-templates/",
        {"ticket_type": types["dirt"], "name": f"{MARK} checklist", "items": [{"label": MARK}]},
        status=201,
    )["id"]
    # announcements: A has a draft; B has drafts and a published one with files, confirmed by a tenant
    ids["a_announcement"] = _ok(
        a_admin,
        a.host,
        "post",
        "/announcements/",
        {"title": "A notice", "body": "A", "audience": "all_tenants"},
        status=201,
    )["id"]
    for n in range(3):
        ids["b_announcement"] = _ok(
            b_admin,
            b.host,
            "post",
            "/announcements/",
            {"title": f"{MARK} notice {n}", "body": f"{MARK} body", "audience": "all_tenants"},
            status=201,
        )["id"]
    for n in range(2):
        ids["b_notice_attachment"] = _ok(
            b_admin,
            b.host,
            "post",
            f"/announcements/{ids['b_announcement']}/attachments/",
            {"file": SimpleUploadedFile(f"n{n}.txt", f"{MARK} notice file {n}".encode())},
            status=201,
            multipart=True,
        )["id"]
    _ok(b_admin, b.host, "post", f"/announcements/{ids['b_announcement']}/publish/")
    _ok(b_key, b.host, "post", f"/announcements/{ids['b_announcement']}/confirm/")
    made = _ok(
        b_admin,
        b.host,
        "post",
        "/pass-requests/",
        {
            "kind": "temporary",
            "holders": [{"name": f"{MARK} holder", "vehicle_plate": "ZZB001"}, {"name": f"{MARK} second"}],
            "company": ids["b_company"],
            "premises": ids["b_location"],
            "valid_from": "2026-01-01",
            "valid_until": "2099-01-01",
            "purpose": f"{MARK} purpose",
            "linked_ticket": ids["b_ticket"],
            "required_documents": [f"{MARK} document"],
            "issue": True,
        },
        status=201,
    )
    ids["b_pass_request"] = made["ticket"]["id"]
    ids["b_pass"] = made["passes"][-1]["id"]
    ids["b_pass_code"] = made["passes"][-1]["short_code"]
    with schema_context(b.schema):
        ids["b_pass_token"] = Pass.objects.get(pk=ids["b_pass"]).qr_token
    for code in (ids["b_pass_code"], ids["b_pass_token"], "ZZB-secret-unknown"):
        _ok(b_admin, b.host, "post", "/gate/check/", {"code": code})

    # B pays through Stripe: its billing customer carries the marker
    Subscription.objects.filter(account=b.made.account).update(
        stripe_customer_id=f"cus_{MARK}", stripe_subscription_id=f"sub_{MARK}"
    )

    # B: a partnership with a contractor account, and B's ticket forwarded there (messages drained)
    from federation import services as federation
    from tests.support.context import in_account

    contractor = make_mall("contractor")
    with in_account(b):
        partnership = federation.invite_partner(
            actor=b.people["admin"],
            partner=contractor.made.account.slug,
            terms={"type_map": {"leak": "work_order"}},
            note=f"{MARK} terms",
        )
    with in_account(contractor):
        federation.accept_partnership(actor=contractor.people["admin"], partnership=partnership, terms={})
    with in_account(b):
        link = federation.forward_ticket(
            actor=b.people["admin"],
            ticket=Ticket.objects.get(pk=ids["b_ticket"]),
            partnership_id=partnership.pk,
            note=f"{MARK} note",
        )
        federation.drain_link(link_id=str(link.pk))
        ids["b_message"] = str(OutboxMessage.objects.get(link=link, seq=1).message_id)
    ids["b_partnership"] = str(partnership.pk)
    with in_account(b):
        from federation import remote

        ids["b_invitation_code"] = remote.create_invitation_code(
            actor=b.people["admin"], note=f"{MARK} code"
        )[0].pk

    # B: planned maintenance with an occurrence, a file uploaded before filing, a notification
    ids["b_schedule"] = _ok(
        b_admin,
        b.host,
        "post",
        "/schedules/",
        {
            "name": f"{MARK} schedule",
            "ticket_type": types["leak"],
            "title": f"{MARK} inspection",
            "fields": {"severity": "drip"},
            "location": ids["b_location"],
            "first_at": "2030-01-07T09:00:00Z",
            "period_unit": "weeks",
            "interval": 1,
        },
        status=201,
    )["id"]
    with schema_context(b.schema):
        from datetime import UTC, datetime

        due = datetime(2030, 1, 7, 9, tzinfo=UTC)
        ids["b_occurrence"] = Occurrence.objects.create(
            schedule_id=ids["b_schedule"], due_at=due, planned_at=due
        ).pk
        ids["b_notification"] = Notification.objects.create(
            recipient=b.people["admin"], kind="notices.announcement", title=f"{MARK} notification"
        ).pk
    connection.set_schema_to_public()
    ids["b_sla_policy"] = _ok(
        b_admin,
        b.host,
        "post",
        "/sla/policies/",
        {
            "name": f"{MARK} SLA",
            "ticket_types": [types["leak"]],
            "targets": [{"priority": 3, "response_minutes": 60, "resolution_minutes": 480}],
        },
        status=201,
    )["id"]
    ids["b_upload"] = _ok(
        b_key,
        b.host,
        "post",
        "/uploads/",
        {"file": SimpleUploadedFile("pending.txt", f"{MARK} pending upload".encode())},
        status=201,
        multipart=True,
    )["id"]

    # B: business calendars (two, so that B's second one has an id A's calendars do not) and a day
    _ok(b_admin, b.host, "post", "/calendars/", {"name": f"{MARK} hours", "is_24x7": True}, status=201)
    ids["b_calendar"] = _ok(
        b_admin,
        b.host,
        "post",
        "/calendars/",
        {
            "name": f"{MARK} calendar",
            "holidays_country": "RU",
            "week": [{"weekday": 0, "start": "09:00", "end": "18:00"}],
        },
        status=201,
    )["id"]
    ids["b_calendar_override"] = _ok(
        b_admin,
        b.host,
        "post",
        f"/calendars/{ids['b_calendar']}/overrides/",
        {"day": "2030-01-07", "kind": "holiday", "note": f"{MARK} override"},
        status=201,
    )["id"]

    # the b_* ids must not exist in A, or the "local" checks would prove nothing
    models = {
        "b_ticket": Ticket,
        "b_attachment": Attachment,
        "b_saved_view": SavedView,
        "b_workflow": Workflow,
        "b_ticket_type": TicketType,
        "b_routing_rule": RoutingRule,
        "b_group": ResponsibilityGroup,
        "b_person": User,
        "b_employee": User,
        "b_company": Company,
        "b_location": Location,
        "b_equipment": Equipment,
        "b_goods_ticket": Ticket,
        "b_checklist_item": ChecklistItem,
        "b_policy": ApprovalPolicy,
        "b_checklist_template": ChecklistTemplate,
        "b_announcement": Announcement,
        "b_notice_attachment": NoticeAttachment,
        "b_pass_request": Ticket,
        "b_pass": Pass,
        "b_schedule": Schedule,
        "b_occurrence": Occurrence,
        "b_notification": Notification,
        "b_calendar": BusinessCalendar,
        "b_calendar_override": CalendarOverride,
        "b_upload": Attachment,
        "b_sla_policy": SlaPolicy,
    }
    with schema_context(a.schema):
        present = [name for name, model in models.items() if model.objects.filter(pk=ids[name]).exists()]
        assert present == [], f"B's ids also exist in A: {present}"
        assert not Company.objects.filter(external_id=ids["b_external_id"]).exists()
    connection.set_schema_to_public()

    # operator impersonation: a handoff for each account; B's audit log carries B's marker
    from tenants_shared.console.services import create_operator, start_impersonation

    op = create_operator(
        email="support@ops.example", full_name="Support Operator", password=PASSWORD, role="support"
    ).user
    ids["b_handoff"] = start_impersonation(operator=op, account=b.made.account, reason=f"{MARK} help").token
    ids["a_handoff"] = start_impersonation(operator=op, account=a.made.account, reason="help A").token

    w = World(
        a=a,
        b=b,
        ids=ids,
        a_session=a_admin,
        b_session=b_admin,
        a_token=_token(a.host, a.people["admin"].email),
        b_token=_token(b.host, b.people["admin"].email),
        invitations={
            # A's visitor has the same id as B's visitor: a link of A must not work on B's host
            "a_same_pk": _invitation(a, a.people["visitor"].pk),
            # B's invited person exists only in B
            "b_invited": _invitation(b, ids["b_person"]),
            # password reset links: A's visitor (same id as B's visitor), and B's admin
            "a_reset_same_pk": _invitation(a, a.people["visitor"].pk, password_reset_tokens),
            "b_reset": _invitation(b, b.people["admin"].pk, password_reset_tokens),
            # the sign-up's sign-in link: A's visitor's (same id as B's visitor), and B's admin's
            "a_welcome_same_pk": _welcome_link(a, a.people["visitor"].pk),
            "b_welcome": _welcome_link(b, b.people["admin"].pk),
        },
        a_key_session=a_key,
        markers=(MARK, b.made.account.slug),
    )
    assert w.a.people["visitor"].pk == w.b.people["visitor"].pk
    with schema_context(b.schema):  # an API token of B's, by its public id
        w.ids["b_token_id"] = AuthToken.objects.order_by("digest").first().digest[:16]
    connection.set_schema_to_public()
    return w


def snapshot(mall: Mall) -> dict[str, list]:
    """Every row of the account's data that an endpoint could touch."""
    tables = {
        "tickets": Ticket.objects.all(),
        "links": TicketLink.objects.all(),
        "outbox": OutboxMessage.objects.all(),
        "inbox": InboxMessage.objects.all(),
        "partnerships": Partnership.objects.all(),
        "invitation_codes": InvitationCode.objects.filter(account_id=mall.made.account.pk),
        "comments": Comment.objects.all(),
        "events": TicketEvent.objects.all(),
        "attachments": Attachment.objects.all(),
        "watchers": Ticket.watchers.through.objects.all(),
        "types": TicketType.objects.all(),
        "form_fields": FormField.objects.all(),
        "workflows": Workflow.objects.all(),
        "statuses": Status.objects.all(),
        "transitions": Transition.objects.all(),
        "rules": RoutingRule.objects.all(),
        "views": SavedView.objects.all(),
        "groups": ResponsibilityGroup.objects.all(),
        "members": ResponsibilityGroup.members.through.objects.all(),
        "companies": Company.objects.all(),
        "contacts": Contact.objects.all(),
        "locations": Location.objects.all(),
        "equipment": Equipment.objects.all(),
        "checklist_items": ChecklistItem.objects.all(),
        "checklist_templates": ChecklistTemplate.objects.all(),
        "policies": ApprovalPolicy.objects.all(),
        "policy_approvers": ApprovalPolicy.approvers.through.objects.all(),
        "policy_groups": ApprovalPolicy.approver_groups.through.objects.all(),
        "rounds": ApprovalRound.objects.all(),
        "steps": ApprovalStep.objects.all(),
        "announcements": Announcement.objects.all(),
        "announcement_companies": Announcement.companies.through.objects.all(),
        "announcement_premises": Announcement.premises.through.objects.all(),
        "receipts": Receipt.objects.all(),
        "read_marks": ReadMark.objects.all(),
        "notice_attachments": NoticeAttachment.objects.all(),
        "passes": Pass.objects.all(),
        "gate_checks": GateCheck.objects.all(),
        "audit": AccountAuditEntry.objects.all(),
        "notifications": Notification.objects.all(),
        "schedules": Schedule.objects.all(),
        "occurrences": Occurrence.objects.all(),
        "calendars": BusinessCalendar.objects.all(),
        "calendar_intervals": WorkingInterval.objects.all(),
        "calendar_overrides": CalendarOverride.objects.all(),
        "sla_policies": SlaPolicy.objects.all(),
    }
    with schema_context(mall.schema):
        rows = {name: list(qs.order_by("pk").values()) for name, qs in tables.items()}
        rows["people"] = list(
            User.objects.order_by("pk").values(
                "pk",
                "email",
                "full_name",
                "role",
                "password",
                "is_active",
                "company_id",
                "blocked_at",
                "blocked_reason",
                "access_expires_at",
                "phone",
                "language",
            )
        )
        rows["tokens"] = list(AuthToken.objects.order_by("digest").values("digest", "user_id"))
        rows["subscription"] = list(Subscription.objects.filter(account=mall.made.account).values())
    connection.set_schema_to_public()
    return rows


# ---------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class Req:
    """One request. `kwargs` maps URL arguments to names in World.ids.

    local: expected when A's admin sends it on A's host (None: not a "local" case);
    cross: expected when A's admin's session, then A's token, send it to B's host (None: not a "cross" case).
    Expectations: "refused" (401 or 403), "404", "400:f1,f2" (400 naming those fields), "200", "201", "204",
    or alternatives joined by "|".
    as_: who sends a "local" request: "a_session" (default), "a_key_user" (A's company key user),
    "anonymous", "b_session", "b_token".
    """

    method: str
    kwargs: dict[str, str] = field(default_factory=dict)
    body: Callable[[World], Any] | None = None
    query: dict[str, str] | None = None
    local: str | None = "404"
    cross: str | None = "refused"
    as_: str = "a_session"
    multipart: bool = False
    # the answer is public on its host (B's branding on B's host): B's name in it is no leak
    public: bool = False


def _pk(name: str) -> dict[str, str]:
    return {"pk": name}


def _file(w: World):
    return {"file": SimpleUploadedFile("note.txt", b"hello from A")}


def _logo(w: World):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 32), (10, 120, 60)).save(out, "PNG")
    return {"file": SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")}


def _a_credentials(w: World):
    return {"email": w.a.people["admin"].email, "password": PASSWORD}


def _b_credentials(w: World):
    return {"email": w.b.people["admin"].email, "password": PASSWORD}


def _ticket_refs(w: World):
    i = w.ids
    return {
        "group": i["b_group"],
        "assignee": i["b_person"],
        "location": i["b_location"],
        "company": i["b_company"],
        "equipment": i["b_equipment"],
        "parent": i["b_ticket"],
    }


def _workflow_doc(w: World, **transition):
    return {
        "code": "a-flow",
        "name": "A flow",
        "statuses": [
            {"key": "open", "name": "Open", "category": "new", "is_initial": True},
            {"key": "done", "name": "Done", "category": "closed"},
        ],
        "transitions": [{"source": "open", "target": "done", "name": "Finish", **transition}],
    }


TICKET_REF_FIELDS = "400:group,assignee,location,company,equipment,parent"

ROUTES: dict[str, list[Req]] = {
    # ------------------------------------------------------------------ tickets
    "ticket-list": [
        Req("get", local="200"),
        Req("get", query={"view": "b_saved_view"}, local="400:view", cross=None),
        Req(
            "post",
            body=lambda w: {
                "type": "leak",
                "title": "A leak",
                "fields": {"severity": "drip"},
                "location": w.ids["b_location"],
                "equipment": w.ids["b_equipment"],
            },
            local="400:location,equipment",
        ),
        Req(
            "post",
            body=lambda w: {
                "type": "leak",
                "title": "A leak",
                "fields": {"severity": "drip"},
                "requester": w.ids["b_person"],
                "parent": w.ids["b_ticket"],
                "company": w.ids["b_company"],
            },
            local="400:requester,parent,company",
            cross=None,
        ),
    ],
    "ticket-detail": [
        Req("get", _pk("b_ticket")),
        Req("patch", _pk("b_ticket"), lambda w: {"priority": 1}),
        Req("patch", _pk("a_ticket"), _ticket_refs, local=TICKET_REF_FIELDS),
    ],
    "ticket-bulk-job": [Req("get", _pk("b_bulk_job"))],
    "ticket-bulk": [
        Req("post", body=lambda w: {"ids": [w.ids["b_ticket"]], "changes": {"priority": 1}}, local="400:ids"),
        Req(
            "post",
            body=lambda w: {"ids": [w.ids["a_ticket"], w.ids["b_ticket"]], "changes": {"priority": 1}},
            local="400:ids",
            cross=None,
        ),
    ],
    "ticket-transition": [Req("post", _pk("b_ticket"), lambda w: {"to": "in_progress"})],
    "ticket-comments": [
        Req("get", _pk("b_ticket")),
        Req("post", _pk("b_ticket"), lambda w: {"body": "hello"}),
    ],
    "ticket-events": [Req("get", _pk("b_ticket"))],
    "ticket-checklist": [Req("get", _pk("b_goods_ticket"))],
    "ticket-checklist-item": [
        Req("post", {"pk": "b_goods_ticket", "item_id": "b_checklist_item"}, lambda w: {"value": True}),
        Req("post", {"pk": "a_ticket", "item_id": "b_checklist_item"}, lambda w: {"value": True}, cross=None),
    ],
    "ticket-approvals": [Req("get", _pk("b_goods_ticket"))],
    "ticket-approval-decide": [Req("post", _pk("b_goods_ticket"), lambda w: {"decision": "approved"})],
    "ticket-approval-resubmit": [Req("post", _pk("b_goods_ticket"), lambda w: {"changes": {"title": "x"}})],
    "approval-list": [
        Req("get", local="200"),
        Req("get", query={"state": "decided"}, local="200", cross=None),
    ],
    "approval-policy-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {
                "ticket_type": w.ids["b_ticket_type"],
                "name": "A policy",
                "approvers": [w.ids["b_person"]],
                "approver_groups": [w.ids["b_group"]],
                "approved_group": w.ids["b_group"],
                "pending_status": "new",
                "rework_status": "waiting",
                "approved_status": "in_progress",
                "rejected_status": "cancelled",
            },
            local="400:approvers,approver_groups",
        ),
    ],
    "approval-policy-detail": [
        Req("get", _pk("b_policy")),
        Req("patch", _pk("b_policy"), lambda w: {"name": "renamed"}),
        Req(
            "put",
            _pk("b_policy"),
            lambda w: {
                "ticket_type": 1,
                "name": "renamed",
                "approver_groups": [1],
                "pending_status": "pending_approval",
                "rework_status": "needs_rework",
                "approved_status": "approved",
                "rejected_status": "rejected",
            },
        ),
        Req("delete", _pk("b_policy")),
    ],
    "checklist-template-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {
                "ticket_type": w.ids["b_ticket_type"],
                "name": "A list",
                "items": [{"label": "x"}],
            },
            local="400:ticket_type",
        ),
    ],
    "checklist-template-detail": [
        Req("get", _pk("b_checklist_template")),
        Req("patch", _pk("b_checklist_template"), lambda w: {"name": "renamed"}),
        Req(
            "put",
            _pk("b_checklist_template"),
            lambda w: {"ticket_type": 1, "name": "x", "items": [{"label": "x"}]},
        ),
        Req("delete", _pk("b_checklist_template")),
    ],
    "ticket-attachments": [
        Req("get", _pk("b_ticket")),
        Req("post", _pk("b_ticket"), _file, multipart=True),
    ],
    "ticket-watchers": [
        Req("post", _pk("b_ticket"), lambda w: {"add": [w.a.people["admin"].pk]}),
        Req("post", _pk("a_ticket"), lambda w: {"add": [w.ids["b_person"]]}, local="400:add"),
    ],
    "attachment-download": [Req("get", _pk("b_attachment"))],
    # ------------------------------------------------------------------ federation
    "partnership-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {"partner": w.a.made.account.slug, "type_map": {"zzb": "work_order"}},
            local="400:partner,type_map",
        ),
    ],
    "partnership-detail": [Req("get", _pk("b_partnership"))],
    "partnership-accept": [Req("post", _pk("b_partnership"), lambda w: {})],
    "partnership-decline": [Req("post", _pk("b_partnership"), lambda w: {"reason": "x"})],
    "partnership-suspend": [Req("post", _pk("b_partnership"), lambda w: {"reason": "x"})],
    "partnership-resume": [Req("post", _pk("b_partnership"))],
    "partnership-end": [Req("post", _pk("b_partnership"), lambda w: {"reason": "x"})],
    "partnership-rotate-key": [Req("post", _pk("b_partnership"))],
    "invitation-code-list": [
        Req("get", local="200"),
        Req("post", body=lambda w: {"note": "A's code"}, local="201"),
    ],
    "invitation-code-revoke": [Req("post", _pk("b_invitation_code"))],
    "ticket-federation": [Req("get", _pk("b_ticket"))],
    "ticket-forward": [
        Req("get", _pk("b_ticket")),
        Req("post", _pk("b_ticket"), lambda w: {"partnership": w.ids["b_partnership"]}),
        Req(
            "post",
            _pk("a_ticket"),
            lambda w: {"partnership": w.ids["b_partnership"]},
            local="400:partnership",
            cross=None,
        ),
    ],
    "ticket-forward-subticket": [
        Req("post", _pk("b_ticket"), lambda w: {"partnership": w.ids["b_partnership"]}),
        Req(
            "post",
            _pk("a_ticket"),
            lambda w: {"partnership": w.ids["b_partnership"]},
            local="400:partnership",
            cross=None,
        ),
    ],
    "ticket-federation-recall": [Req("post", _pk("b_ticket"), lambda w: {"reason": "x"})],
    "ticket-federation-decline": [Req("post", _pk("b_ticket"), lambda w: {"reason": "x"})],
    "federation-parked": [Req("get", local="200")],
    "federation-replay": [Req("post", body=lambda w: {"direction": "out", "id": w.ids["b_message"]})],
    # ------------------------------------------------------------------ desk configuration
    "ticket-type-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {
                "code": "a-type",
                "name": "A type",
                "prefix": "AT",
                "workflow": w.ids["b_workflow"],
                "filing_roles": ["employee"],
            },
            local="400:workflow",
        ),
    ],
    "ticket-type-detail": [
        Req("get", _pk("b_ticket_type")),
        Req("patch", _pk("b_ticket_type"), lambda w: {"name": "renamed"}),
        Req("put", _pk("b_ticket_type"), lambda w: {"code": "x", "name": "x", "prefix": "X", "workflow": 1}),
        Req("delete", _pk("b_ticket_type")),
    ],
    "workflow-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: _workflow_doc(
                w,
                set_group=w.ids["b_group"],
                allowed_groups=[w.ids["b_group"]],
                set_assignee=w.ids["b_person"],
            ),
            local="400:transitions.0.set_group,transitions.0.allowed_groups,transitions.0.set_assignee",
        ),
    ],
    "workflow-detail": [
        Req("get", _pk("b_workflow")),
        Req("put", _pk("b_workflow"), _workflow_doc),
        Req("patch", _pk("b_workflow"), _workflow_doc),
        Req("delete", _pk("b_workflow")),
    ],
    "routing-rule-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {
                "name": "A rule",
                "conditions": {},
                "actions": {"group": w.ids["b_group"], "watchers": [w.ids["b_person"]]},
            },
            local="400:actions.group,actions.watchers",
        ),
    ],
    "routing-rule-test": [
        Req(
            "post",
            body=lambda w: {
                "type": "dirt",
                "company": w.ids["b_company"],
                "location": w.ids["b_location"],
                "equipment": w.ids["b_equipment"],
                "requester": w.ids["b_person"],
            },
            local="400:company,location,equipment,requester",
        ),
    ],
    "routing-rule-detail": [
        Req("get", _pk("b_routing_rule")),
        Req("patch", _pk("b_routing_rule"), lambda w: {"name": "renamed"}),
        Req(
            "put",
            _pk("b_routing_rule"),
            lambda w: {"name": "renamed", "conditions": {}, "actions": {"priority": 1}},
        ),
        Req("delete", _pk("b_routing_rule")),
    ],
    "saved-view-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {"name": "A view 2", "filters": {"company": w.ids["b_company"]}},
            local="201",
            cross="refused",
        ),
    ],
    "saved-view-detail": [
        Req("get", _pk("b_saved_view")),
        Req("patch", _pk("b_saved_view"), lambda w: {"name": "renamed"}),
        Req("put", _pk("b_saved_view"), lambda w: {"name": "renamed", "filters": {}}),
        Req("delete", _pk("b_saved_view")),
    ],
    # ------------------------------------------------------------------ people, groups, companies
    "person-list": [
        Req("get", local="200"),
        Req("get", query={"company": "b_company"}, local="400:company|200", cross=None),
        Req(
            "post",
            body=lambda w: {
                "email": "new@a.example",
                "full_name": "New",
                "role": "employee",
                "company": w.ids["b_company"],
            },
            local="400:company",
        ),
    ],
    "person-detail": [
        Req("get", _pk("b_person")),
        Req("patch", _pk("b_person"), lambda w: {"full_name": "renamed"}),
        Req("patch", _pk("a_key_user"), lambda w: {"company": w.ids["b_company"]}, local="400:company"),
    ],
    "person-block": [Req("post", _pk("b_person"), lambda w: {"reason": "testing"})],
    "person-unblock": [Req("post", _pk("b_person"))],
    "person-access-expiry": [Req("post", _pk("b_person"), lambda w: {"until": "2099-01-01T00:00:00Z"})],
    "group-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {"code": "a-group", "name": "A group", "members": [w.ids["b_person"]]},
            local="400:members",
        ),
    ],
    "group-detail": [
        Req("get", _pk("b_group")),
        Req("put", _pk("b_group"), lambda w: {"code": "zzb", "name": "renamed"}),
        Req("patch", _pk("b_group"), lambda w: {"code": "zzb", "name": "renamed"}),
        Req("delete", _pk("b_group")),
    ],
    "person-resend-invitation": [Req("post", _pk("b_person"))],
    "company-list": [
        Req("get", local="200"),
        Req("post", body=lambda w: {"name": "A company"}, local="201"),
        Req("post", body=lambda w: {"name": "A co", "premises": [w.ids["b_location"]]}, local="400:premises"),
    ],
    "company-detail": [
        Req("get", _pk("b_company")),
        Req("patch", _pk("b_company"), lambda w: {"name": "renamed"}),
        Req("put", _pk("b_company"), lambda w: {"name": "renamed"}),
        Req("delete", _pk("b_company")),
    ],
    # upsert by B's external id on A's host makes a new card in A: nothing of B's is read or changed
    "company-upsert-external": [
        Req("put", {"external_id": "b_external_id"}, lambda w: {"name": "A's own card"}, local="201"),
        Req(
            "put",
            {"external_id": "b_external_id"},
            lambda w: {"name": "A's card", "premises": [w.ids["b_location"]]},
            local="400:premises",
            cross=None,
        ),
    ],
    # a key user's team: A's key user naming B's people gets 404; B's company is refused in a body
    "team-list": [
        Req("get", local="200", as_="a_key_user"),
        Req(
            "post",
            body=lambda w: {"email": "new@a.example", "full_name": "New", "company": w.ids["b_company"]},
            local="400:company",
            as_="a_key_user",
        ),
    ],
    "team-detail": [
        Req("get", _pk("b_employee"), as_="a_key_user"),
        Req("delete", _pk("b_employee"), as_="a_key_user"),
    ],
    "team-resend-invitation": [Req("post", _pk("b_employee"), as_="a_key_user")],
    "team-unblock": [Req("post", _pk("b_employee"), as_="a_key_user")],
    "team-access-expiry": [Req("post", _pk("b_employee"), lambda w: {"until": None}, as_="a_key_user")],
    # ------------------------------------------------------------------ notifications (one's own only)
    "notification-list": [Req("get", local="200")],
    "notification-read": [Req("post", _pk("b_notification"))],
    "notification-read-all": [Req("post", local="200")],
    "notification-rules": [
        Req("get", local="200"),
        Req(
            "put",
            body=lambda w: {"rules": [{"kind": "notices.announcement", "channel": "email", "enabled": True}]},
            local="200",
        ),
    ],
    "my-notification-preferences": [
        Req("get", local="200"),
        Req("put", body=lambda w: {"quiet_hours": None}, local="200"),
    ],
    # ------------------------------------------------------------------ planned maintenance
    "schedule-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {
                "name": "A schedule",
                "ticket_type": w.ids["b_ticket_type"],
                "title": "Check",
                "location": w.ids["b_location"],
                "equipment": w.ids["b_equipment"],
                "group": w.ids["b_group"],
                "first_at": "2030-01-07T09:00:00Z",
                "period_unit": "weeks",
                "interval": 1,
            },
            local="400:ticket_type,location,equipment,group",
        ),
    ],
    "schedule-detail": [
        Req("get", _pk("b_schedule")),
        Req("patch", _pk("b_schedule"), lambda w: {"name": "x"}),
        Req("put", _pk("b_schedule"), lambda w: {"name": "x"}),
        Req("delete", _pk("b_schedule")),
    ],
    "schedule-plan": [
        Req("get", query={"from": "2030-01-01", "to": "2030-03-01"}, local="200"),
        Req("get", query={"location": "b_location"}, local="200", cross=None),
    ],
    "schedule-occurrence-list": [Req("get", local="200")],
    "schedule-occurrence-detail": [Req("get", _pk("b_occurrence"))],
    "schedule-occurrence-complete": [Req("post", _pk("b_occurrence"), lambda w: {"note": "done"})],
    "schedule-occurrence-retry": [Req("post", _pk("b_occurrence"))],
    # ------------------------------------------------------------------ service levels
    "sla-policy-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {
                "name": "A policy",
                "ticket_types": [w.ids["b_ticket_type"]],
                "companies": [w.ids["b_company"]],
                "locations": [w.ids["b_location"]],
                "escalations": [
                    {
                        "threshold": "breach",
                        "target": "response",
                        "action": "reassign",
                        "group": w.ids["b_group"],
                    }
                ],
            },
            local="400:ticket_types,companies,locations,escalations.0.group",
        ),
    ],
    "sla-policy-detail": [
        Req("get", _pk("b_sla_policy")),
        Req("patch", _pk("b_sla_policy"), lambda w: {"name": "x"}),
        Req("put", _pk("b_sla_policy"), lambda w: {"name": "x"}),
        Req("delete", _pk("b_sla_policy")),
    ],
    # ------------------------------------------------------------------ business calendars
    "calendar-list": [
        Req("get", local="200"),
        Req("post", body=lambda w: {"name": "A calendar", "is_24x7": True}, local="201"),
    ],
    "calendar-detail": [
        Req("get", _pk("b_calendar")),
        Req("patch", _pk("b_calendar"), lambda w: {"name": "x"}),
        Req("put", _pk("b_calendar"), lambda w: {"name": "x"}),
        Req("delete", _pk("b_calendar")),
    ],
    "calendar-overrides": [
        Req("get", _pk("b_calendar")),
        Req("post", _pk("b_calendar"), lambda w: {"day": "2030-01-08", "kind": "holiday"}),
    ],
    "calendar-override": [
        Req("patch", {"pk": "b_calendar", "oid": "b_calendar_override"}, lambda w: {"note": "x"}),
        Req("delete", {"pk": "b_calendar", "oid": "b_calendar_override"}),
    ],
    "calendar-days": [Req("get", _pk("b_calendar"), query={"from": "2030-01-01", "to": "2030-01-31"})],
    # ------------------------------------------------------------------ uploads before filing
    "upload-list": [Req("post", body=_file, local="201", multipart=True)],
    "upload-detail": [Req("delete", _pk("b_upload"))],
    "team-filing": [
        Req("get", _pk("b_employee"), as_="a_key_user"),
        Req("put", _pk("b_employee"), lambda w: {"types": None}, as_="a_key_user"),
    ],
    # ------------------------------------------------------------------ objects
    "location-list": [
        Req("get", local="200"),
        Req("get", query={"under": "b_location"}, local="200", cross=None),
        Req(
            "post",
            body=lambda w: {
                "kind": "unit",
                "name": "A unit",
                "parent": w.ids["b_location"],
                "company": w.ids["b_company"],
            },
            local="400:parent,company",
        ),
    ],
    "location-detail": [
        Req("get", _pk("b_location")),
        Req("patch", _pk("b_location"), lambda w: {"name": "renamed"}),
        Req("put", _pk("b_location"), lambda w: {"kind": "unit", "name": "renamed"}),
        Req("delete", _pk("b_location")),
    ],
    "equipment-list": [
        Req("get", local="200"),
        Req(
            "post",
            body=lambda w: {"kind": "pump", "name": "A pump", "location": w.ids["b_location"]},
            local="400:location",
        ),
    ],
    "equipment-detail": [
        Req("get", _pk("b_equipment")),
        Req("patch", _pk("b_equipment"), lambda w: {"name": "renamed"}),
        Req("put", _pk("b_equipment"), lambda w: {"kind": "pump", "name": "renamed"}),
        Req("delete", _pk("b_equipment")),
    ],
    "billing-events": [Req("get", local="200")],  # A's own events only (B's marker never shows)
    # API tokens: A's admin lists A's only and cannot revoke B's
    "auth-token-list": [Req("get", local="200")],
    "auth-token-detail": [Req("delete", {"token_id": "b_token_id"})],
    # the custom domain is the request's own account's: A's admin only ever sees and changes A's
    "custom-domain": [
        Req("get", local="200"),
        Req("put", body=lambda w: {"domain": "desk.a-account.example"}, local="200"),
        Req("delete", local="204"),
    ],
    "custom-domain-check": [Req("post", local="400:domain")],
    # QR label sheets: any id of B's is a 404, never a sheet (nor a shorter one)
    "location-labels": [
        Req("get", query={"ids": "b_location"}),
        Req("get", query={"subtree": "b_location"}, cross=None),
    ],
    "equipment-labels": [
        Req("get", query={"ids": "b_equipment"}),
        Req("get", query={"subtree": "b_location"}, cross=None),
    ],
    # ------------------------------------------------------------------ passes and the gate
    "pass-request-list": [
        Req(
            "post",
            body=lambda w: {
                "kind": "temporary",
                "holders": [{"name": "A's visitor"}],
                "valid_from": "2026-01-01",
                "valid_until": "2099-01-01",
                "company": w.ids["b_company"],
                "premises": w.ids["b_location"],
                "linked_ticket": w.ids["b_ticket"],
                "requester": w.ids["b_person"],
            },
            local="400:company,premises,linked_ticket,requester",
        ),
    ],
    "pass-request-issue": [Req("post", _pk("b_pass_request"))],
    "pass-list": [
        Req("get", local="200"),
        Req("get", query={"request": "b_pass_request", "q": "b_pass_code"}, local="200", cross=None),
    ],
    "pass-detail": [Req("get", _pk("b_pass"))],
    "pass-revoke": [Req("post", _pk("b_pass"), lambda w: {"reason": "testing"})],
    "pass-extend": [Req("post", _pk("b_pass"), lambda w: {"valid_until": "2099-12-31"})],
    "pass-qr": [
        Req("get", _pk("b_pass")),
        Req("get", _pk("b_pass"), query={"format": "png"}, local="404", cross=None),
    ],
    # B's codes typed on A's gate are unknown there: a logged "not_found" in A, nothing of B's
    "gate-check": [
        Req("post", body=lambda w: {"code": w.ids["b_pass_token"]}, local="200"),
        Req("post", body=lambda w: {"code": w.ids["b_pass_code"]}, local="200", cross=None),
    ],
    "gate-check-list": [
        Req("get", local="200"),
        Req("get", query={"pass": "b_pass"}, local="200", cross=None),
    ],
    # the day's approved move-ins and works: A's list, never B's (B's tickets carry the mark)
    "gate-today": [Req("get", local="200")],
    # ------------------------------------------------------------------ billing (no Stripe keys here:
    # tests/billing covers the flows against the fake Stripe; here A's admin only ever sees A's own)
    "billing": [Req("get", local="200")],
    "billing-checkout": [Req("post", body=lambda w: {"plan": "business", "seats": 10}, local="503")],
    "billing-portal": [Req("post", local="503")],
    "billing-seats": [Req("post", body=lambda w: {"seats": 10}, local="503")],
    # ------------------------------------------------------------------ who am I, signing in and out
    "me": [
        Req("get", local="200"),
        # one's own profile only: the body names no person, so B's ids have nothing to reach
        Req("patch", body=lambda w: {"language": "ru"}, local="200"),
    ],
    "audit-list": [Req("get", local="200")],
    # ------------------------------------------------------------------ branding: anyone reads a host's own
    "branding": [
        Req("get", local="200", cross="200|refused", public=True),  # a foreign token: 401
        Req("get", local="200", cross=None, as_="anonymous"),  # A's host shows A's, never B's
        Req("patch", body=lambda w: {"welcome_text": "A's welcome"}, local="200"),
    ],
    "branding-logo": [
        Req("put", body=_logo, multipart=True, local="200"),
        Req("delete", local="200"),
    ],
    # ------------------------------------------------------------------ confirmation, rating, satisfaction
    "ticket-confirm": [Req("post", _pk("b_ticket"), lambda w: {})],
    "ticket-return": [Req("post", _pk("b_ticket"), lambda w: {"reason": "Still leaking"})],
    "ticket-rating": [Req("post", _pk("b_ticket"), lambda w: {"score": 5})],
    "desk-settings": [
        Req("get", local="200"),
        Req("patch", body=lambda w: {"auto_confirm_days": 5}, local="200"),
    ],
    "report-satisfaction": [
        Req("get", local="200"),
        Req("get", query={"group_by": "type"}, local="200", cross=None),
    ],
    # an operator console handoff is for one account: A's on B's host, B's on A's host
    "auth-impersonation": [
        Req("post", body=lambda w: {"token": w.ids["a_handoff"]}, local=None, cross="400:token"),
        Req(
            "post",
            body=lambda w: {"token": w.ids["b_handoff"]},
            local="400:token",
            cross=None,
            as_="anonymous",
        ),
    ],
    "auth-session": [
        Req("post", body=_a_credentials, local=None, cross="401"),  # A's password is not B's
        Req("post", body=_b_credentials, local="401", cross=None, as_="anonymous"),
        # signing out on the other host is harmless; the session still works at home (checked below)
        Req("delete", local="204|refused", cross="204|refused", as_="b_session"),
    ],
    "auth-tokens": [
        Req("post", body=_a_credentials, local=None, cross="401"),
        Req("post", body=_b_credentials, local="401", cross=None, as_="anonymous"),
    ],
    "auth-token-current": [
        Req("delete", local="refused", cross="refused", as_="b_token"),
    ],
    # always 202 whoever asks; B's e-mail on A's host sends nothing (tests/people check the mail)
    "password-reset": [
        Req("post", body=lambda w: {"email": _a_credentials(w)["email"]}, local=None, cross="202"),
        Req(
            "post",
            body=lambda w: {"email": _b_credentials(w)["email"]},
            local="202",
            cross=None,
            as_="anonymous",
        ),
    ],
    "password-reset-confirm": [
        Req("post", body=lambda w: w.invitations["a_reset_same_pk"], local=None, cross="400:token"),
        Req("post", body=lambda w: w.invitations["b_reset"], local="400:token", cross=None, as_="anonymous"),
    ],
    "auth-welcome": [
        # A's token is not B's (401 before the view); A's session cookie does not reach B's host
        Req("post", body=lambda w: w.invitations["a_welcome_same_pk"], local=None, cross="400:token|refused"),
        Req(
            "post", body=lambda w: w.invitations["b_welcome"], local="400:token", cross=None, as_="anonymous"
        ),
    ],
    "password-change": [
        Req(
            "post",
            body=lambda w: {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
            local="refused",
            cross="refused",
            as_="b_session",
        ),
    ],
    # ------------------------------------------------------------------ announcements
    "announcement-list": [
        Req("get", local="200"),
        Req("get", query={"unconfirmed": "true", "state": "published"}, local="200", cross=None),
        Req(
            "post",
            body=lambda w: {
                "title": "A notice",
                "body": "A",
                "audience": "companies",
                "companies": [w.ids["b_company"]],
                "premises": [w.ids["b_location"]],
            },
            local="400:companies,premises",
        ),
    ],
    "announcement-detail": [
        Req("get", _pk("b_announcement")),
        Req("patch", _pk("b_announcement"), lambda w: {"title": "renamed"}),
        Req("put", _pk("b_announcement"), lambda w: {"title": "x", "body": "y", "audience": "all_tenants"}),
        Req("delete", _pk("b_announcement")),
        Req(
            "patch",
            _pk("a_announcement"),
            lambda w: {"audience": "premises", "premises": [w.ids["b_location"]]},
            local="400:premises",
            cross=None,
        ),
    ],
    "announcement-publish": [Req("post", _pk("b_announcement"))],
    "announcement-archive": [Req("post", _pk("b_announcement"))],
    # A's admin may not confirm at all (only an addressed company's people do): refused before any lookup
    "announcement-confirm": [Req("post", _pk("b_announcement"), local="refused")],
    "announcement-receipts": [Req("get", _pk("b_announcement"))],
    "announcement-attachments": [
        Req("get", _pk("b_announcement")),
        Req("post", _pk("b_announcement"), _file, multipart=True),
    ],
    "announcement-attachment": [
        Req("delete", {"pk": "b_announcement", "attachment_id": "b_notice_attachment"}),
        Req(
            "delete",
            {"pk": "a_announcement", "attachment_id": "b_notice_attachment"},
            local="404",
            cross=None,
        ),
    ],
    "announcement-attachment-download": [Req("get", _pk("b_notice_attachment"))],
    "invitation-accept": [
        Req("post", body=lambda w: w.invitations["a_same_pk"], local=None, cross="400:token"),
        Req(
            "post", body=lambda w: w.invitations["b_invited"], local="400:token", cross=None, as_="anonymous"
        ),
    ],
}


def _clone(client: Client) -> Client:
    """A client with the same cookies, so an answer that clears a cookie does not sign the original out."""
    copy = Client()
    for key, morsel in client.cookies.items():
        copy.cookies[key] = morsel.value
    return copy


def _resolve_query(w: World, query: dict[str, str] | None) -> dict[str, Any] | None:
    return {k: w.ids.get(v, v) for k, v in query.items()} if query else None


def _send(client: Client, host: str, req: Req, w: World, route: str, **headers):
    path = w.url(route, req.kwargs)
    data = req.body(w) if req.body else _resolve_query(w, req.query)
    kwargs = {"HTTP_HOST": host, **headers}
    if req.body and not req.multipart:
        kwargs["content_type"] = "application/json"
    if req.multipart and req.method != "post":  # the test client encodes multipart for POST only
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

        data, kwargs["content_type"] = encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
    call = getattr(client, req.method)
    return call(path, data, **kwargs) if data is not None else call(path, **kwargs)


def _matches(response, expected: str) -> bool:
    for option in expected.split("|"):
        if option == "refused" and response.status_code in (401, 403):
            return True
        status, _, fields = option.partition(":")
        if status.isdigit() and response.status_code == int(status):
            if not fields:
                return True
            got = set(response.json().get("fields") or {})
            if set(fields.split(",")) <= got:
                return True
    return False


def _content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _describe(route: str, req: Req, who: str, response, body: str) -> str:
    return f"{route} {req.method.upper()} {req.kwargs or ''} as {who}: {response.status_code} {body[:300]}"


def _check(w: World, route: str, req: Req, who: str, response, expected: str, problems: list[str]) -> None:
    body = _content(response)
    if not _matches(response, expected):
        problems.append(f"expected {expected}; got " + _describe(route, req, who, response, body))
    leaked = [m for m in w.markers if m in body]
    if leaked and not (req.public and who.startswith("(a)")):
        problems.append(f"B's data {leaked} in " + _describe(route, req, who, response, body))


# ---------------------------------------------------------------------------- (a) and (b), route by route
def _cross(w: World, route: str, problems: list[str]) -> None:
    """(a) A's admin's session, then A's admin's token, sent to B's host."""
    for req in ROUTES[route]:
        if req.cross is None:
            continue
        by_session = _send(_clone(w.a_session), w.b.host, req, w, route)
        _check(w, route, req, "(a) A's session on B's host", by_session, req.cross, problems)
        by_token = _send(Client(), w.b.host, req, w, route, HTTP_AUTHORIZATION=f"Token {w.a_token}")
        _check(w, route, req, "(a) A's token on B's host", by_token, req.cross, problems)


def _local(w: World, route: str, problems: list[str]) -> None:
    """(b) B's ids (and B's credentials) on A's host."""
    for req in ROUTES[route]:
        if req.local is None:
            continue
        if req.as_ == "b_token":
            response = _send(Client(), w.a.host, req, w, route, HTTP_AUTHORIZATION=f"Token {w.b_token}")
        else:
            client = {
                "a_session": w.a_session,
                "a_key_user": w.a_key_session,
                "b_session": w.b_session,
                "anonymous": Client(),
            }[req.as_]
            response = _send(_clone(client), w.a.host, req, w, route)
        _check(w, route, req, f"(b) {req.as_} on A's host", response, req.local, problems)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_account_b_is_out_of_reach_from_account_a(world, route):
    w = world
    before = snapshot(w.b)
    assert any(MARK in t["title"] for t in before["tickets"])  # the snapshot really is B's data
    problems: list[str] = []
    _cross(w, route, problems)
    _local(w, route, problems)
    assert problems == []
    assert snapshot(w.b) == before, "B's data changed"
    # both accounts' own credentials still work at home
    for mall, session, token in ((w.a, w.a_session, w.a_token), (w.b, w.b_session, w.b_token)):
        assert _ok(session, mall.host, "get", "/me/")["user"]["email"] == mall.people["admin"].email
        me = Client().get("/api/v1/me/", HTTP_HOST=mall.host, HTTP_AUTHORIZATION=f"Token {token}")
        assert me.status_code == 200, me.content


# ---------------------------------------------------------------------------- files
def test_files_of_account_b_cannot_be_downloaded_through_account_a(world):
    w = world
    b_file = f"/attachments/{w.ids['b_attachment']}/download/"
    # the file is real: B's admin downloads it on B's host
    own = w.b_session.get(f"/api/v1{b_file}", HTTP_HOST=w.b.host)
    assert own.status_code == 200 and MARK.encode() in b"".join(own.streaming_content)
    # B's id on A's host: unknown
    assert w.a_session.get(f"/api/v1{b_file}", HTTP_HOST=w.a.host).status_code == 404
    # A's credentials on B's host: refused
    assert _clone(w.a_session).get(f"/api/v1{b_file}", HTTP_HOST=w.b.host).status_code in (401, 403)
    token = Client().get(f"/api/v1{b_file}", HTTP_HOST=w.b.host, HTTP_AUTHORIZATION=f"Token {w.a_token}")
    assert token.status_code in (401, 403)
    # the id both accounts have (1) gives each account its own file
    assert w.ids["a_attachment"] == 1
    a_one = w.a_session.get("/api/v1/attachments/1/download/", HTTP_HOST=w.a.host)
    assert a_one.status_code == 200 and b"".join(a_one.streaming_content) == b"file of account A"
    b_one = w.b_session.get("/api/v1/attachments/1/download/", HTTP_HOST=w.b.host)
    assert b_one.status_code == 200 and b"".join(b_one.streaming_content) == f"{MARK} file 0".encode()
    # B's ticket's attachment list is not reachable from A either
    listing = w.a_session.get(f"/api/v1/tickets/{w.ids['b_ticket']}/attachments/", HTTP_HOST=w.a.host)
    assert listing.status_code == 404


# ---------------------------------------------------------------------------- the table covers every endpoint
def _account_endpoints() -> set[tuple[str, str]]:
    """(route name, method) of every api/v1 endpoint in the account URLconf."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    endpoints = set()
    for route, pattern in walk(get_resolver("atrium.urls_account").url_patterns):
        if not route.startswith("api/v1/"):
            continue
        assert pattern.name, f"unnamed account endpoint {route}: name it and add it to ROUTES"
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            methods = set(actions)
        else:
            view = callback.view_class
            methods = {m for m in view.http_method_names if m not in ("options", "head") and hasattr(view, m)}
        methods -= {"options", "head"}  # answered by every view from its other methods
        endpoints |= {(pattern.name, m) for m in methods}
    return endpoints


def test_every_account_endpoint_has_isolation_cases():
    endpoints = _account_endpoints()
    assert ("ticket-detail", "patch") in endpoints and ("auth-session", "delete") in endpoints  # sanity
    cross = {(route, req.method) for route, reqs in ROUTES.items() for req in reqs if req.cross is not None}
    local = {(route, req.method) for route, reqs in ROUTES.items() for req in reqs if req.local is not None}
    assert sorted(endpoints - cross) == [], "endpoints without a cross-host case in ROUTES"
    assert sorted(endpoints - local) == [], "endpoints without a same-host foreign-id case in ROUTES"
    assert sorted((cross | local) - endpoints) == [], "ROUTES names endpoints that do not exist"


# ---------------------------------------------------------------------------- passes
def test_codes_of_account_b_are_unknown_at_account_a_gate(world):
    w = world
    for code in (w.ids["b_pass_token"], w.ids["b_pass_code"]):
        at_home = _ok(w.b_session, w.b.host, "post", "/gate/check/", {"code": code})
        assert at_home["valid"] is True and MARK in at_home["pass"]["holder_name"]  # real in B
        verdict = _ok(w.a_session, w.a.host, "post", "/gate/check/", {"code": code})
        assert verdict["valid"] is False and verdict["reason"]["code"] == "not_found"
        assert verdict["pass"] is None and verdict["ticket"] is None
    # the ticket key of B's pass request names no ticket of A either (A has fewer tickets)
    key = _ok(w.b_session, w.b.host, "get", f"/tickets/{w.ids['b_pass_request']}/")["key"]
    verdict = _ok(w.a_session, w.a.host, "post", "/gate/check/", {"code": key})
    assert verdict["reason"]["code"] == "not_found"
    assert _ok(w.a_session, w.a.host, "get", "/passes/")["results"] == []
