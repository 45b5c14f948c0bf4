"""URLs of the public host (platform domain): sign-up, operator admin, API schema."""

from django.contrib import admin
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from billing.views import stripe_webhook
from tenants_shared.accounts.api.views import SignupView

admin.site.site_header = "Atrium operators"
admin.site.site_title = "Atrium operators"

urlpatterns = [
    path("api/v1/signup/", SignupView.as_view(), name="signup"),
    path("billing/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="atrium.urls_public"), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
