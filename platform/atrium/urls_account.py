"""URLs of an account host (<slug>.<platform domain> and custom domains). No operator admin here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tenant_apps.people.api import views as people

api_v1 = [
    path("auth/session/", people.SessionView.as_view(), name="auth-session"),
    path("auth/tokens/", people.TokenView.as_view(), name="auth-tokens"),
    path("auth/tokens/current/", people.CurrentTokenView.as_view(), name="auth-token-current"),
    path("me/", people.MeView.as_view(), name="me"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="atrium.urls_account"), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
