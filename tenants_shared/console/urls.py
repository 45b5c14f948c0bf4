"""The console's URLs, included under /console/ by the public host's URLconf only."""

from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.accounts_view, name="accounts"),
    path("login/", views.login_view, name="login"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("audit/", views.audit_view, name="audit"),
    path("accounts/<slug:slug>/", views.account_view, name="account"),
    path("accounts/<slug:slug>/impersonate/", views.impersonate_view, name="impersonate"),
    path("accounts/<slug:slug>/<slug:action>/", views.account_action_view, name="account-action"),
    path("impersonations/<int:pk>/end/", views.end_impersonation_view, name="end-impersonation"),
]
