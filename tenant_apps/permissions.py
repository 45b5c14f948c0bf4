"""Who may do what in an account: the one module API views, websockets and the web app ask.

Object predicates (`can_*`) and the queryset form of "which tickets may this person see"
(`visible_tickets`) live side by side so the two can never disagree. The table in
docs/permissions.md and tests/desk/test_permissions.py spell the rules out:

- account admins and dispatchers see and change every ticket;
- engineers, approvers and guards see every ticket (closed ones too) but change only tickets
  assigned to them or to one of their responsibility groups;
- a company's key user sees every ticket of the company; employees and visitors see the tickets
  they filed or watch. Requesters never change a ticket's fields; they comment publicly and may make
  transitions that name the "requester" role (confirm, reopen...);
- internal comments, internal attachments and internal history are for agents only;
- configuration (types, workflows, routing, groups, people) is the account admin's; companies and
  locations are changed by admins and dispatchers only;
- a company's key user invites, lists and removes the employees of their own company, nobody else.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from tenant_apps.people.models import AGENT_ROLES, Role

REQUESTER = "requester"  # pseudo-role in Transition.allowed_roles: the ticket's own requester
MANAGERS = frozenset({Role.ACCOUNT_ADMIN, Role.DISPATCHER})


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.blocked_at is None)


def is_agent(user) -> bool:
    return _active(user) and user.role in AGENT_ROLES


def is_manager(user) -> bool:
    return _active(user) and user.role in MANAGERS


def can_plan_maintenance(user) -> bool:
    """Planned maintenance: schedules, the plan, retrying a failed occurrence (tenant_apps/schedules)."""
    return is_manager(user)


def is_account_admin(user) -> bool:
    return _active(user) and user.role == Role.ACCOUNT_ADMIN


def group_ids(user) -> frozenset[int]:
    """The person's responsibility groups, read once per request object."""
    cached = getattr(user, "_atrium_group_ids", None)
    if cached is None:
        cached = frozenset(user.responsibility_groups.values_list("id", flat=True))
        user._atrium_group_ids = cached
    return cached


# ---------------------------------------------------------------------------- tickets
def visible_tickets(user, queryset: QuerySet) -> QuerySet:
    if not _active(user):
        return queryset.none()
    if user.role in AGENT_ROLES:
        return queryset
    from tenant_apps.desk.models import Ticket

    watching = Exists(Ticket.watchers.through.objects.filter(ticket_id=OuterRef("pk"), user_id=user.pk))
    mine = Q(requester_id=user.pk) | Q(watching)
    if user.role == Role.KEY_USER and user.company_id:
        mine |= Q(company_id=user.company_id)
    return queryset.filter(mine)


def can_view_ticket(user, ticket) -> bool:
    if not _active(user):
        return False
    if user.role in AGENT_ROLES:
        return True
    if ticket.requester_id == user.pk:
        return True
    if user.role == Role.KEY_USER and user.company_id and ticket.company_id == user.company_id:
        return True
    return ticket.watchers.filter(pk=user.pk).exists()


def in_ticket_responsibility(user, ticket) -> bool:
    return ticket.assignee_id == user.pk or (
        ticket.group_id is not None and ticket.group_id in group_ids(user)
    )


def can_change_ticket(user, ticket) -> bool:
    if not is_agent(user):
        return False
    if user.role in MANAGERS:
        return True
    return in_ticket_responsibility(user, ticket)


def can_transition(user, ticket, transition) -> bool:
    roles = set(transition.allowed_roles or [])
    if REQUESTER in roles and _active(user) and ticket.requester_id == user.pk:
        return True
    if not can_change_ticket(user, ticket):
        return False
    allowed_groups = getattr(transition, "allowed_group_ids", None)  # set by the config cache
    if allowed_groups is None:
        allowed_groups = {g.pk for g in transition.allowed_groups.all()}
    if not roles and not allowed_groups:
        return True  # nobody named: anyone who may change the ticket
    return user.role in roles or bool(allowed_groups & group_ids(user))


# ---------------------------------------------------------------------------- confirmation and rating
# Resolved work is confirmed or returned (with a reason), and confirmed work rated once, by the
# ticket's requester or the key user of the requester's company, never by staff on their behalf.
# Agents see every rating; on the requester side, the requester's company sees its own.
def may_answer_for_requester(user, ticket) -> bool:
    if not _active(user):
        return False
    if ticket.requester_id is not None and ticket.requester_id == user.pk:
        return True
    if user.role != Role.KEY_USER or not user.company_id or ticket.requester_id is None:
        return False
    requester = ticket.requester
    return requester is not None and requester.company_id == user.company_id and not requester.is_agent


def can_confirm_resolution(user, ticket) -> bool:
    """The same rule answers confirm and return: the API's `can_confirm` and `can_return` flags."""
    from tenant_apps.desk.models import Category, ConfirmationState

    return (
        ticket.category == Category.RESOLVED
        and ticket.confirmation_state == ConfirmationState.AWAITING
        and may_answer_for_requester(user, ticket)
    )


def can_rate(user, ticket) -> bool:
    from tenant_apps.desk.models import CONFIRMED_STATES

    return (
        ticket.rated_at is None
        and ticket.confirmation_state in CONFIRMED_STATES
        and may_answer_for_requester(user, ticket)
    )


def can_see_rating(user, ticket) -> bool:
    if not _active(user):
        return False
    if user.role in AGENT_ROLES or ticket.requester_id == user.pk:
        return True
    return bool(user.company_id) and user.company_id == ticket.company_id


def can_view_satisfaction(user) -> bool:
    """Satisfaction figures (ratings, returns) are for the desk's managers."""
    return is_manager(user)


def can_tick_checklist(user, ticket) -> bool:
    """Checklists are filled in by whoever may change the ticket (e.g. guards on goods tickets in
    the guards' responsibility); requesters read them."""
    return can_change_ticket(user, ticket)


def can_comment(user, ticket, *, internal: bool) -> bool:
    if internal:
        return is_agent(user)
    return can_view_ticket(user, ticket)


def can_see_internal(user) -> bool:
    return is_agent(user)


def can_download(user, attachment) -> bool:
    if attachment.ticket_id is None:  # an upload not yet adopted by a ticket: its uploader's alone
        return bool(user.is_authenticated and attachment.uploaded_by_id == user.pk)
    return can_view_ticket(user, attachment.ticket) and (not attachment.internal or can_see_internal(user))


def _filing_narrowed(user) -> bool:
    """An employee whose key user chose what they may file (people/filing.py)."""
    return user.role == Role.EMPLOYEE and getattr(user, "filing_type_ids", None) is not None


def can_file(user, ticket_type) -> bool:
    if not _active(user) or not ticket_type.is_active:
        return False
    if _filing_narrowed(user) and ticket_type.pk not in user.filing_type_ids:
        return False
    return user.role in (ticket_type.filing_roles or []) or user.role in MANAGERS


def fileable_ticket_types(user, queryset: QuerySet) -> QuerySet:
    """The queryset form of can_file: what this person may file now."""
    if not _active(user):
        return queryset.none()
    queryset = queryset.filter(is_active=True)
    if _filing_narrowed(user):
        queryset = queryset.filter(pk__in=user.filing_type_ids)
    return queryset if user.role in MANAGERS else queryset.filter(filing_roles__contains=[user.role])


def can_file_for_others(user) -> bool:
    """Agents may file on behalf of a requester (phone calls, walk-ins)."""
    return is_agent(user)


# ---------------------------------------------------------------------------- configuration, people, objects
def can_configure_desk(user) -> bool:
    return is_account_admin(user)


def can_manage_people(user) -> bool:
    return is_account_admin(user)


def can_view_people(user) -> bool:
    return is_agent(user)


def can_edit_companies(user) -> bool:
    return is_manager(user)


def can_edit_objects(user) -> bool:
    return is_manager(user)


def can_view_directory(user) -> bool:
    """Companies, locations and equipment: agents see all; requesters read what filing needs."""
    return _active(user)


def can_use_saved_view(user, view) -> bool:
    return _active(user) and (view.owner_id == user.pk or (view.shared and is_agent(user)))


# ---------------------------------------------------------------------------- approvals
def may_decide_approval_step(user, step) -> bool:
    """A step is decided by its named person, or by any active agent member of its group."""
    if not is_agent(user) or user.access_expired:
        return False
    if step.approver_id is not None:
        return step.approver_id == user.pk
    return step.group_id in group_ids(user)


def can_decide_approvals(user) -> bool:
    """Someone approval steps go to: the approver role, a manager, a person or a member of a group
    an active approval policy names, or anyone who has a step waiting (a policy changed since)."""
    if not is_agent(user) or user.access_expired:
        return False
    if user.role == Role.APPROVER or user.role in MANAGERS:
        return True
    from tenant_apps.approvals.models import ApprovalPolicy, ApprovalStep

    groups = group_ids(user)
    named = Q(approvers=user) | Q(approver_groups__in=groups)
    waiting = Q(approver=user) | Q(group_id__in=groups)
    return (
        ApprovalPolicy.objects.filter(is_active=True).filter(named).exists()
        or ApprovalStep.objects.filter(decision="", round__outcome="").filter(waiting).exists()
    )


def can_see_approval_queue(user) -> bool:
    """The approval queue (GET /approvals/) and its screen: people who decide approvals."""
    return can_decide_approvals(user)


# ---------------------------------------------------------------------------- a company's key user and their team
# Key users manage the employees of their own company (invite, list, remove); mall staff manage
# everyone through the people directory. A key user never reaches agents, other key users or
# another company's people, and never makes anyone an agent or a key user.
def can_manage_team(user) -> bool:
    return _active(user) and user.role == Role.KEY_USER and user.company_id is not None


def can_manage_team_member(user, person) -> bool:
    """May this key user remove (or re-invite) this person?"""
    return (
        can_manage_team(user)
        and person.pk != user.pk
        and person.company_id == user.company_id
        and person.role == Role.EMPLOYEE
    )


def can_change_own_password(user) -> bool:
    return _active(user)


# ---------------------------------------------------------------------------- notices (announcements)
MARKETING_GROUP = "marketing"  # responsibility group whose members manage announcements too
ANNOUNCEMENT_READERS = frozenset({Role.KEY_USER, Role.EMPLOYEE})  # of an addressed company


def in_marketing(user) -> bool:
    cached = getattr(user, "_atrium_marketing", None)
    if cached is None:
        cached = user.responsibility_groups.filter(code=MARKETING_GROUP, is_active=True).exists()
        user._atrium_marketing = cached
    return cached


def can_manage_announcements(user) -> bool:
    """Write drafts, publish, archive, attach files and read receipts: account admins, dispatchers
    and agents in the marketing group."""
    return is_manager(user) or (is_agent(user) and in_marketing(user))


def is_announcement_reader(user) -> bool:
    """Key users and employees of a company: they read what is addressed to their company."""
    return _active(user) and user.role in ANNOUNCEMENT_READERS and user.company_id is not None


def can_use_announcements(user) -> bool:
    return can_manage_announcements(user) or is_agent(user) or is_announcement_reader(user)


def visible_announcements(user, queryset: QuerySet) -> QuerySet:
    """Managers see every announcement (drafts too); other agents every published or archived one;
    a company's key users and employees the published or archived ones addressed to their company."""
    from tenant_apps.notices.models import Receipt, State

    if not _active(user):
        return queryset.none()
    if can_manage_announcements(user):
        return queryset
    if is_agent(user):
        return queryset.exclude(state=State.DRAFT)
    if is_announcement_reader(user):
        addressed = Exists(Receipt.objects.filter(announcement_id=OuterRef("pk"), company_id=user.company_id))
        return queryset.exclude(state=State.DRAFT).filter(addressed)
    return queryset.none()


def can_view_announcement(user, announcement) -> bool:
    from tenant_apps.notices.models import State

    if not _active(user):
        return False
    if can_manage_announcements(user):
        return True
    if announcement.state == State.DRAFT:
        return False
    if is_agent(user):
        return True
    return is_announcement_reader(user) and announcement.receipts.filter(company_id=user.company_id).exists()


def can_confirm_announcement(user, announcement) -> bool:
    """Confirming is for the addressed company's own people (never staff on their behalf)."""
    return is_announcement_reader(user) and can_view_announcement(user, announcement)


def can_download_notice_attachment(user, attachment) -> bool:
    return can_view_announcement(user, attachment.announcement)


# ---------------------------------------------------------------------------- passes and the gate
SECURITY_GROUP = "security"  # members of this responsibility group work passes and the gate


def group_codes(user) -> frozenset[str]:
    """Codes of the person's active responsibility groups, read once per request object."""
    cached = getattr(user, "_atrium_group_codes", None)
    if cached is None:
        cached = frozenset(user.responsibility_groups.filter(is_active=True).values_list("code", flat=True))
        user._atrium_group_codes = cached
    return cached


def in_security(user) -> bool:
    return is_agent(user) and SECURITY_GROUP in group_codes(user)


def can_manage_passes(user) -> bool:
    """Issue passes directly (approved at once), revoke and extend them: managers and Security."""
    return is_manager(user) or in_security(user)


def can_check_at_gate(user) -> bool:
    """Check a code at the gate and read the gate log: guards, managers and Security."""
    return _active(user) and (user.role == Role.GUARD or user.role in MANAGERS or in_security(user))


def visible_passes(user, queryset: QuerySet) -> QuerySet:
    """Agents see every pass; a key user their company's; everyone else the passes they requested."""
    if not _active(user):
        return queryset.none()
    if user.role in AGENT_ROLES:
        return queryset
    mine = Q(request__requester_id=user.pk)
    if user.role == Role.KEY_USER and user.company_id:
        mine |= Q(company_id=user.company_id)
    return queryset.filter(mine)


def can_view_pass(user, pass_obj) -> bool:
    """The object form of visible_passes (also who may fetch the pass's QR code)."""
    if not _active(user):
        return False
    if user.role in AGENT_ROLES:
        return True
    if user.role == Role.KEY_USER and user.company_id and pass_obj.company_id == user.company_id:
        return True
    return pass_obj.request.requester_id == user.pk


# ---------------------------------------------------------------------------- branding
def can_manage_branding(user) -> bool:
    """The portal's name, welcome text, colours and logo are the account admin's; anyone on the
    account's host reads them."""
    return is_account_admin(user)


# ---------------------------------------------------------------------------- business calendars
def can_manage_calendars(user) -> bool:
    """Business calendars (working hours, holidays, overrides) are the account admin's."""
    return is_account_admin(user)


def can_view_calendars(user) -> bool:
    """Agents read the calendars (SLA targets and planned maintenance are computed on them)."""
    return is_agent(user)


# ---------------------------------------------------------------------------- audit log, impersonation
def can_read_audit_log(user) -> bool:
    """An account's audit log (what platform operators did inside it) is its admins'."""
    return is_account_admin(user)


# Paths an impersonating operator may not use (tenant_apps/people/impersonation.py): passwords,
# API tokens and invitations (credentials), and billing (payment). Billing is refused for every
# method; the others for writes.
IMPERSONATION_FORBIDDEN_PREFIXES = ("/api/v1/billing/",)
IMPERSONATION_FORBIDDEN_WRITE_PREFIXES = (
    "/api/v1/auth/password/",
    "/api/v1/auth/password-reset/",
    "/api/v1/auth/tokens/",
    "/api/v1/auth/invitations/",
)


def impersonation_may_request(method: str, path: str) -> bool:
    if path.startswith(IMPERSONATION_FORBIDDEN_PREFIXES):
        return False
    if method not in ("GET", "HEAD", "OPTIONS") and path.startswith(IMPERSONATION_FORBIDDEN_WRITE_PREFIXES):
        return False
    return True


# ---------------------------------------------------------------------------- billing
def can_manage_billing(user) -> bool:
    """The plan, seats, Checkout and the Stripe Customer Portal are the account admin's."""
    return is_account_admin(user)


# ---------------------------------------------------------------------------- federation
# Partnerships are the account admin's; dispatchers (and admins) forward, recall and decline
# tickets; agents see a ticket's links and their message log. Parked messages and their replay are
# the account admin's. A partner's people never act in this account: what they do arrives as
# federation messages, applied by the federation process.
def can_manage_partnerships(user) -> bool:
    return is_account_admin(user)


def can_view_partnerships(user) -> bool:
    return is_manager(user)


def can_forward(user) -> bool:
    return is_manager(user)


def can_view_links(user, ticket) -> bool:
    return is_agent(user) and can_view_ticket(user, ticket)


def can_handle_parked_messages(user) -> bool:
    return is_account_admin(user)


# ---------------------------------------------------------------------------- service levels
def can_configure_sla(user) -> bool:
    """SLA policies, their targets and escalations are the account admin's to change."""
    return is_account_admin(user)


def can_view_sla(user) -> bool:
    """Agents read the SLA policies (the ticket payload's `sla` is shown to whoever sees the ticket)."""
    return is_agent(user)
