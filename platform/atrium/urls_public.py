"""URLs of the public host (platform domain): sign-up, operator admin, API schema."""

from django.contrib import admin
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from federation import views as federation
from tenants_shared.accounts.api.views import SignupView

admin.site.site_header = "Atrium operators"
admin.site.site_title = "Atrium operators"

urlpatterns = [
    path("api/v1/signup/", SignupView.as_view(), name="signup"),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="atrium.urls_public"), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("federation/inbox/", federation.inbox, name="federation-inbox"),
    path("federation/files/<str:token>/", federation.shared_file, name="federation-file"),
]
