from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassesConfig(AppConfig):
    name = "tenant_apps.passes"
    label = "passes"
    verbose_name = _("Passes and the gate")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import listeners  # noqa: F401  (registers the ticket-event listeners)
