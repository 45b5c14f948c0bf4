from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """Partnerships between accounts: the federation directory in the public schema."""

    name = "federation.directory"
    label = "federation_directory"
    verbose_name = _("Federation directory")
    default_auto_field = "django.db.models.BigAutoField"
