from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tenant_apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the spine reader (after commit), and the senders of the layers below this app: people and
        # billing call a hook instead of importing notifications (they sit below it)
        from billing import mail as billing_mail
        from tenant_apps.people import services as people_services

        from . import readers, services

        readers.register()
        people_services.install_person_mail(services.deliver_mail)
        billing_mail.install_admin_mail(services.mail_account_admins)
