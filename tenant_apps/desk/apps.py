from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "tenant_apps.desk"
    label = "desk"
    verbose_name = _("Service desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checklists  # noqa: F401 - registers its listener on the ticket-event spine
