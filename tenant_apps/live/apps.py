from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "tenant_apps.live"
    label = "live"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        from tenant_apps.people.services import on_access_changed, on_credentials_ended

        from . import publisher

        # publisher registers itself on the ticket-event spine when imported
        on_access_changed(publisher.notify_access_changed)
        # a password change, sign-out or revoked token: sockets authenticate again (and close)
        on_credentials_ended(publisher.notify_access_changed)
