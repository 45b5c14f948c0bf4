from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification-read"),
    path("notification-rules/", views.NotificationRulesView.as_view(), name="notification-rules"),
    path(
        "me/notification-preferences/",
        views.MyNotificationPreferencesView.as_view(),
        name="my-notification-preferences",
    ),
]
