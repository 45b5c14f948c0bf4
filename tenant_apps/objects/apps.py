from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectsConfig(AppConfig):
    name = "tenant_apps.objects"
    label = "objects"
    verbose_name = _("Sites and equipment")
    default_auto_field = "django.db.models.BigAutoField"
