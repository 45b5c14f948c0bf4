from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "tenant_apps.sla"
    label = "sla"
    verbose_name = _("Service levels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenant_apps.calendars.signals import calendar_changed

        from . import extension, services  # noqa: F401 - the spine's "sla" reaction; the ticket payload/filters

        calendar_changed.connect(services.on_calendar_changed, dispatch_uid="sla.calendar_changed")
