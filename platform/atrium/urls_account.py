"""URLs of an account host (<slug>.<platform domain> and custom domains). No operator admin here."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from atrium import webapp
from billing.api import views as billing
from federation.api import views as federation
from tenant_apps.approvals.api import views as approvals
from tenant_apps.audit.api import views as audit
from tenant_apps.branding import views as branding_files
from tenant_apps.branding.api import views as branding
from tenant_apps.calendars.api import views as calendars
from tenant_apps.desk.api import uploads as desk_uploads
from tenant_apps.desk.api import views as desk
from tenant_apps.notices.api import views as notices
from tenant_apps.objects.api import views as objects
from tenant_apps.passes.api import views as passes
from tenant_apps.people.api import directory, tokens
from tenant_apps.people.api import filing as people_filing
from tenant_apps.people.api import views as people
from tenant_apps.schedules.api import views as schedules
from tenant_apps.sla.api import views as sla
from tenants_shared.accounts.api import domains as custom_domain

router = SimpleRouter()
router.register("tickets", desk.TicketViewSet, basename="ticket")
router.register("ticket-types", desk.TicketTypeViewSet, basename="ticket-type")
router.register("workflows", desk.WorkflowViewSet, basename="workflow")
router.register("routing-rules", desk.RoutingRuleViewSet, basename="routing-rule")
router.register("checklist-templates", desk.ChecklistTemplateViewSet, basename="checklist-template")
router.register("saved-views", desk.SavedViewViewSet, basename="saved-view")
router.register("people", directory.PersonViewSet, basename="person")
router.register("groups", directory.GroupViewSet, basename="group")
router.register("companies", directory.CompanyViewSet, basename="company")
router.register("team", directory.TeamViewSet, basename="team")
router.register("locations", objects.LocationViewSet, basename="location")
router.register("approvals", approvals.ApprovalQueueView, basename="approval")
router.register("approval-policies", approvals.PolicyViewSet, basename="approval-policy")
router.register("equipment", objects.EquipmentViewSet, basename="equipment")
router.register("announcements", notices.AnnouncementViewSet, basename="announcement")
router.register("passes", passes.PassViewSet, basename="pass")
router.register("schedules", schedules.ScheduleViewSet, basename="schedule")
router.register("schedule-occurrences", schedules.OccurrenceViewSet, basename="schedule-occurrence")
router.register("sla/policies", sla.PolicyViewSet, basename="sla-policy")
router.register("calendars", calendars.CalendarViewSet, basename="calendar")

api_v1 = [
    path("auth/session/", people.SessionView.as_view(), name="auth-session"),
    path("auth/tokens/", people.TokenView.as_view(), name="auth-tokens"),
    path("auth/tokens/current/", people.CurrentTokenView.as_view(), name="auth-token-current"),
    path("auth/tokens/issued/", tokens.IssuedTokensView.as_view(), name="auth-token-list"),
    path("auth/tokens/issued/<str:token_id>/", tokens.IssuedTokenView.as_view(), name="auth-token-detail"),
    path("auth/invitations/accept/", directory.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("auth/password-reset/", people.PasswordResetView.as_view(), name="password-reset"),
    path(
        "auth/password-reset/confirm/",
        people.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("auth/password/", people.PasswordChangeView.as_view(), name="password-change"),
    path("auth/welcome/", people.WelcomeView.as_view(), name="auth-welcome"),
    path("auth/impersonation/", people.ImpersonationView.as_view(), name="auth-impersonation"),
    path("me/", people.MeView.as_view(), name="me"),
    path("team/<int:pk>/filing/", people_filing.TeamFilingView.as_view(), name="team-filing"),
    path("audit/", audit.AuditListView.as_view(), name="audit-list"),
    path("branding/", branding.BrandingView.as_view(), name="branding"),
    path("branding/logo/", branding.LogoView.as_view(), name="branding-logo"),
    path("tickets/bulk/", desk.BulkUpdateView.as_view(), name="ticket-bulk"),
    path("tickets/bulk/<uuid:pk>/", desk.BulkJobView.as_view(), name="ticket-bulk-job"),
    path("reports/satisfaction/", desk.SatisfactionReportView.as_view(), name="report-satisfaction"),
    path("desk-settings/", desk.DeskSettingsView.as_view(), name="desk-settings"),
    path("tickets/<int:pk>/approvals/", approvals.TicketApprovalView.as_view(), name="ticket-approvals"),
    path("tickets/<int:pk>/approvals/decide/", approvals.DecideView.as_view(), name="ticket-approval-decide"),
    path(
        "tickets/<int:pk>/approvals/resubmit/",
        approvals.ResubmitView.as_view(),
        name="ticket-approval-resubmit",
    ),
    path("tickets/<int:pk>/federation/", federation.TicketLinksView.as_view(), name="ticket-federation"),
    path("tickets/<int:pk>/forward/", federation.ForwardView.as_view(), name="ticket-forward"),
    path(
        "tickets/<int:pk>/forward-subticket/",
        federation.ForwardSubticketView.as_view(),
        name="ticket-forward-subticket",
    ),
    path(
        "tickets/<int:pk>/federation/recall/",
        federation.RecallView.as_view(),
        name="ticket-federation-recall",
    ),
    path(
        "tickets/<int:pk>/federation/decline/",
        federation.DeclineTicketView.as_view(),
        name="ticket-federation-decline",
    ),
    path("federation/partnerships/", federation.PartnershipListView.as_view(), name="partnership-list"),
    path(
        "federation/partnerships/<uuid:pk>/",
        federation.PartnershipDetailView.as_view(),
        name="partnership-detail",
    ),
    path(
        "federation/partnerships/<uuid:pk>/accept/",
        federation.AcceptView.as_view(),
        name="partnership-accept",
    ),
    path(
        "federation/partnerships/<uuid:pk>/decline/",
        federation.DeclineView.as_view(),
        name="partnership-decline",
    ),
    path(
        "federation/partnerships/<uuid:pk>/suspend/",
        federation.SuspendView.as_view(),
        name="partnership-suspend",
    ),
    path(
        "federation/partnerships/<uuid:pk>/resume/",
        federation.ResumeView.as_view(),
        name="partnership-resume",
    ),
    path("federation/partnerships/<uuid:pk>/end/", federation.EndView.as_view(), name="partnership-end"),
    path(
        "federation/partnerships/<uuid:pk>/rotate-key/",
        federation.RotateKeyView.as_view(),
        name="partnership-rotate-key",
    ),
    path(
        "federation/invitation-codes/",
        federation.InvitationCodeListView.as_view(),
        name="invitation-code-list",
    ),
    path(
        "federation/invitation-codes/<str:pk>/revoke/",
        federation.InvitationCodeRevokeView.as_view(),
        name="invitation-code-revoke",
    ),
    path("federation/parked/", federation.ParkedView.as_view(), name="federation-parked"),
    path("federation/parked/replay/", federation.ReplayView.as_view(), name="federation-replay"),
    path("attachments/<int:pk>/download/", desk.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("uploads/", desk_uploads.UploadListView.as_view(), name="upload-list"),
    path("uploads/<int:pk>/", desk_uploads.UploadDetailView.as_view(), name="upload-detail"),
    path(
        "announcement-attachments/<int:pk>/download/",
        notices.NoticeAttachmentDownloadView.as_view(),
        name="announcement-attachment-download",
    ),
    path("pass-requests/", passes.PassRequestView.as_view(), name="pass-request-list"),
    path("pass-requests/<int:pk>/issue/", passes.PassRequestIssueView.as_view(), name="pass-request-issue"),
    path("gate/check/", passes.GateCheckView.as_view(), name="gate-check"),
    path("gate/checks/", passes.GateCheckListView.as_view(), name="gate-check-list"),
    path("gate/today/", passes.GateTodayView.as_view(), name="gate-today"),
    path("locations/labels.pdf", objects.LocationLabelsView.as_view(), name="location-labels"),
    path("equipment/labels.pdf", objects.EquipmentLabelsView.as_view(), name="equipment-labels"),
    path("custom-domain/", custom_domain.CustomDomainView.as_view(), name="custom-domain"),
    path("custom-domain/check/", custom_domain.CustomDomainCheckView.as_view(), name="custom-domain-check"),
    path("billing/", billing.BillingView.as_view(), name="billing"),
    path("billing/events/", billing.BillingEventsView.as_view(), name="billing-events"),
    path("billing/checkout/", billing.CheckoutView.as_view(), name="billing-checkout"),
    path("billing/portal/", billing.PortalView.as_view(), name="billing-portal"),
    path("billing/seats/", billing.SeatsView.as_view(), name="billing-seats"),
    path("", include("tenant_apps.notifications.api.urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="atrium.urls_account"), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # the web app: every path under an entry is that entry's page (client-side routing)
    path("", webapp.home, name="home"),
    # the account's branding: images and the portal's web manifest, for anyone on the host
    path("branding/icon-<int:size>.png", branding_files.icon, name="branding-icon"),
    re_path(r"^branding/logo\.(?P<ext>png|jpg|webp)$", branding_files.logo, name="branding-logo-file"),
    path("portal/manifest.webmanifest", branding_files.manifest, name="portal-manifest"),
    re_path(r"^(?P<entry>app|portal)(?:/(?P<rest>.*))?$", webapp.shell, name="webapp"),
]
