from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "tenant_apps.schedules"
    label = "schedules"
    verbose_name = _("Planned maintenance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import reactions  # noqa: F401 - registers the spine reaction
