"""URLs of the public host (platform domain): sign-up, the operator console, the Django admin
(owners only, after the console's two-factor sign-in), API schema."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from billing.views import stripe_webhook
from federation import views as federation
from tenants_shared.accounts.api.views import SignupView
from tenants_shared.console import otp
from tenants_shared.console import permissions as perms

admin.site.site_header = "Atrium operators"
admin.site.site_title = "Atrium operators"
admin.site.site_url = "/console/"
# The admin has no login of its own: operators sign in through the console (password + TOTP), and
# only owners reach it (plans, operators, the registry's raw rows).
admin.site.has_permission = lambda request: otp.verified(request) and perms.can_manage_operators(request.user)
admin.site.login = lambda request, extra_context=None: redirect(f"/console/login/?next={request.path}")

urlpatterns = [
    path("api/v1/signup/", SignupView.as_view(), name="signup"),
    path("billing/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="atrium.urls_public"), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("console/", include("tenants_shared.console.urls")),
    path("admin/", admin.site.urls),
    path("federation/inbox/", federation.inbox, name="federation-inbox"),
    path("federation/handshake/", federation.handshake, name="federation-handshake"),
    path("federation/files/<str:token>/", federation.shared_file, name="federation-file"),
]
