"""The desk: ticket types with their forms and workflows, tickets, and the ticket-event spine."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from kernel.files import StoredFile, storage_path

from . import event_kinds


class Category(models.TextChoices):
    """What a status means, whatever the account calls it."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_CATEGORIES = frozenset({Category.NEW, Category.OPEN, Category.WAITING})
TERMINAL_CATEGORIES = frozenset({Category.CLOSED, Category.CANCELLED})


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    QR = "qr", _("QR code")
    PHONE = "phone", _("Phone")
    SCHEDULE = "schedule", _("Schedule")
    FEDERATION = "federation", _("Partner account")


# ---------------------------------------------------------------------------- configuration
class Workflow(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    # The requester's confirmation of resolved work (desk/confirmation.py): the closed status a
    # confirmation moves the ticket to, and the open status a return moves it back to. Both blank:
    # tickets of this workflow are not confirmed by their requesters.
    confirm_status = models.SlugField(_("status on confirmation"), max_length=50, blank=True)
    return_status = models.SlugField(_("status on return"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="statuses")
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # "#RRGGBB", or empty: the status is drawn in its category's colour
    color = models.CharField(_("colour"), max_length=7, blank=True)
    is_initial = models.BooleanField(_("initial"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["workflow", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "key"], name="desk_status_key_unique"),
            models.UniqueConstraint(
                fields=["workflow"], condition=models.Q(is_initial=True), name="desk_status_one_initial"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Transition(models.Model):
    """A move between two statuses: who may make it, what it needs, and who is responsible after."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    source = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="incoming")
    name = models.CharField(_("name"), max_length=100)
    # Roles (people.Role values, plus "requester" for the ticket's own requester) and groups allowed;
    # both empty means anyone who may change the ticket.
    allowed_roles = models.JSONField(_("allowed roles"), default=list, blank=True)
    allowed_groups = models.ManyToManyField("people.ResponsibilityGroup", blank=True, related_name="+")
    comment_required = models.BooleanField(_("comment required"), default=False)
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    set_group = models.ForeignKey(
        "people.ResponsibilityGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clear_assignee = models.BooleanField(_("clear assignee"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["workflow", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="desk_transition_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class TicketType(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    prefix = models.CharField(_("number prefix"), max_length=10, unique=True)
    description = models.TextField(_("description"), blank=True)
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="ticket_types")
    default_priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # Roles that may file tickets of this type (people.Role values).
    filing_roles = models.JSONField(_("who may file"), default=list, blank=True)
    # Days after resolution when the work is confirmed automatically; empty: the account's default
    # (DeskSettings), 0: never.
    auto_confirm_days = models.PositiveSmallIntegerField(_("auto-confirm after days"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    BOOLEAN = "boolean", _("Yes / no")
    COMPANY = "company", _("Company")
    LOCATION = "location", _("Location")
    EQUIPMENT = "equipment", _("Equipment")
    PERSON = "person", _("Person")
    FILE = "file", _("File")


class FormField(models.Model):
    """A custom field on a ticket type's form; values live in Ticket.fields under `key`."""

    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="form_fields")
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["ticket_type", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket_type", "key"], name="desk_formfield_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class DeskSettings(models.Model):
    """The account's desk-wide settings: one row (id 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    auto_confirm_days = models.PositiveSmallIntegerField(_("auto-confirm after days"), default=3)

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self) -> str:
        return "desk settings"


class ConfirmationState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    AUTO_CONFIRMED = "auto_confirmed", _("Confirmed automatically")
    RETURNED = "returned", _("Returned for rework")


CONFIRMED_STATES = frozenset({ConfirmationState.CONFIRMED, ConfirmationState.AUTO_CONFIRMED})


# ---------------------------------------------------------------------------- tickets
class Ticket(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="tickets")
    category = models.CharField(max_length=20, choices=Category.choices, editable=False)  # = status.category
    is_open = models.BooleanField(default=True, editable=False)  # category in OPEN_CATEGORIES
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    company = models.ForeignKey(
        "people.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    location = models.ForeignKey(
        "objects.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    equipment = models.ForeignKey(
        "objects.Equipment", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    group = models.ForeignKey(
        "people.ResponsibilityGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateTimeField(_("planned finish"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="watched_tickets")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # the requester's confirmation of resolved work and their rating (desk/confirmation.py)
    confirmation_state = models.CharField(
        max_length=20, choices=ConfirmationState.choices, blank=True, editable=False
    )
    confirmation_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_reason = models.TextField(blank=True, editable=False)
    rating = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    rating_comment = models.TextField(blank=True, editable=False)
    rated_at = models.DateTimeField(null=True, blank=True, editable=False)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    rated_by_name = models.CharField(max_length=150, blank=True, editable=False)
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="desk_ticket_created"),
            models.Index(fields=["-updated_at", "-id"], name="desk_ticket_updated"),
            models.Index(fields=["category", "-created_at"], name="desk_ticket_cat_created"),
            models.Index(fields=["group", "-created_at"], name="desk_ticket_group_created"),
            models.Index(fields=["assignee", "-created_at"], name="desk_ticket_assignee_created"),
            models.Index(fields=["requester", "-created_at"], name="desk_ticket_requester_created"),
            models.Index(fields=["company", "-created_at"], name="desk_ticket_company_created"),
            models.Index(fields=["status", "-created_at"], name="desk_ticket_status_created"),
            models.Index(fields=["ticket_type", "-created_at"], name="desk_ticket_type_created"),
            models.Index(fields=["location"], name="desk_ticket_location"),
            models.Index(
                fields=["assignee"], condition=models.Q(is_open=True), name="desk_ticket_open_assignee"
            ),
            models.Index(
                fields=["confirmation_due_at"],
                condition=models.Q(confirmation_state="awaiting", confirmation_due_at__isnull=False),
                name="desk_ticket_confirm_due",
            ),
            models.Index(
                fields=["rated_at"], condition=models.Q(rated_at__isnull=False), name="desk_ticket_rated"
            ),
            GinIndex(fields=["search"], name="desk_ticket_search"),
            GinIndex(fields=["fields"], name="desk_ticket_fields", opclasses=["jsonb_path_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        return f"{self.ticket_type.prefix}-{self.number}"


# The kinds of ticket events: built from their payload declarations (event_kinds.py), in order, so
# that a kind is declared once, with its payload. EventKind.CREATED == "created", as before.
EventKind = models.TextChoices(
    "EventKind", [(p.KIND.upper(), (p.KIND, p.LABEL)) for p in event_kinds.declared()]
)
EventKind.__module__ = __name__
EventKind.__qualname__ = "EventKind"


class TicketEvent(models.Model):
    """The spine: one append-only row per change to a ticket, written in the change's transaction.

    It is the ticket's history; live updates, notifications and federation read it after commit.
    `public` events are visible to the requester side; internal ones only to agents.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    public = models.BooleanField(default=True)
    data = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="desk_event_ticket")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.ticket_id}"

    @property
    def payload(self) -> event_kinds.Payload:
        """The event's data as its kind's payload type (validated; see event_kinds.py)."""
        return event_kinds.build(self.kind, self.data or {})

    @property
    def origin(self):
        """Who made the change (tenant_apps.desk.origin.Origin). The spine sets it on the events it
        records; for a row read back it is derived from the stored actor columns."""
        cached = self.__dict__.get("_origin")
        if cached is None:
            from .origin import Origin

            cached = Origin.from_event_row(self)
            self.__dict__["_origin"] = cached
        return cached


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("text"))
    internal = models.BooleanField(_("internal"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="desk_comment_ticket")]

    def __str__(self) -> str:
        return f"comment {self.pk} on #{self.ticket_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """<schema>/tickets/<id>/<random token>/<name> (kernel.files.storage_path); an upload waiting
    to be adopted (desk/uploads.py) lives under <schema>/uploads/<uploader>/."""
    return storage_path(instance, filename)


class Attachment(StoredFile):
    """A file on a ticket (or one of its comments); the common fields are kernel.files'."""

    # empty while an upload waits to be adopted by the ticket its uploader files (desk/uploads.py)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=400)
    internal = models.BooleanField(default=False)

    def storage_folder(self) -> str:
        if self.ticket_id is None:
            return f"uploads/{self.uploaded_by_id}"
        return f"tickets/{self.ticket_id}"


# ---------------------------------------------------------------------------- routing and views
class RoutingRule(models.Model):
    """Ordered rule: when a new ticket matches `conditions`, apply `actions` (see desk/routing.py)."""

    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=dict)
    stop_processing = models.BooleanField(_("stop after this rule"), default=False)
    last_assignee_id = models.BigIntegerField(null=True, blank=True, editable=False)  # round robin cursor

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class SavedView(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=150)
    filters = models.JSONField(_("filters"), default=dict, blank=True)  # ticket list query parameters
    ordering = models.CharField(_("ordering"), max_length=50, blank=True)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------- checklists
class ChecklistItemKind(models.TextChoices):
    CHECK = "check", _("Tick")
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")


class ChecklistTemplate(models.Model):
    """Items a ticket of a type gets when it reaches a stage (a status; none = when filed).

    `items` is a list of {"label", "kind", "required"}; they are copied onto the ticket, so editing
    a template never rewrites what was ticked. Required items must be done before any transition
    into a status named in `required_for`."""

    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="checklist_templates")
    name = models.CharField(_("name"), max_length=150)
    stage = models.ForeignKey(Status, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    required_for = models.JSONField(_("required before"), default=list, blank=True)
    items = models.JSONField(_("items"), default=list)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["ticket_type", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checklist")
    template = models.ForeignKey(
        ChecklistTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checklist = models.CharField(_("checklist"), max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("item"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=ChecklistItemKind.choices)
    required = models.BooleanField(_("required"), default=False)
    required_for = models.JSONField(default=list, blank=True)
    value = models.JSONField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    photo = models.ForeignKey(
        "Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["ticket", "id"]
        indexes = [models.Index(fields=["ticket", "template"], name="desk_checklist_ticket")]

    def __str__(self) -> str:
        return self.label


class BulkJobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class BulkJob(models.Model):
    """One bulk change asked for by an agent and applied by a worker, ticket by ticket: its
    progress is what the agent's screen shows until it is done. A retried task skips the tickets
    it already handled, so each ticket is changed once."""

    id = models.UUIDField(primary_key=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket_ids = models.JSONField(default=list)
    changes = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=BulkJobState.choices, default=BulkJobState.QUEUED)
    updated = models.JSONField(default=list)  # ids
    refused = models.JSONField(default=list)  # {"id", "code", "fields"}
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"bulk {self.pk} ({self.state})"

    @property
    def total(self) -> int:
        return len(self.ticket_ids)

    @property
    def done(self) -> int:
        return len(self.updated) + len(self.refused)
