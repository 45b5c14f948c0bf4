from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tenant_apps.people"
    label = "people"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing import licensing

        from .api import schema  # noqa: F401  (registers the OpenAPI description of token auth)
        from .seats import install_into_billing
        from .services import on_access_changed

        # seats in use may have changed: an account that pays through Stripe syncs its quantity
        on_access_changed(licensing.seats_may_have_changed)
        # seats in use and who is an admin: billing asks people through the hooks it keeps
        install_into_billing()
