from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "tenant_apps.calendars"
    label = "calendars"
    verbose_name = _("Business calendars")
    default_auto_field = "django.db.models.BigAutoField"
