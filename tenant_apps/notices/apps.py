from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "tenant_apps.notices"
    label = "notices"
    verbose_name = _("Announcements")
    default_auto_field = "django.db.models.BigAutoField"
