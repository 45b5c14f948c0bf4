from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandingConfig(AppConfig):
    name = "tenant_apps.branding"
    label = "branding"
    verbose_name = _("Account branding")
