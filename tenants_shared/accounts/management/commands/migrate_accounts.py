"""Deploy-time migration: public schema, then the account template, then every account schema.

Account schemas already holding every migration are skipped (tenants_shared.accounts.migration);
the rest run on django-tenants' multiprocessing executor.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ...services import ensure_public_account
from ...template import ensure_template


class Command(BaseCommand):
    help = "Migrate the public schema, refresh the account template, migrate pending account schemas."

    def add_arguments(self, parser):
        parser.add_argument("--executor", default="multiprocessing", choices=["standard", "multiprocessing"])

    def handle(self, *args, **options):
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        ensure_public_account()
        ensure_template()
        call_command(
            "migrate_schemas", tenant=True, interactive=False, verbosity=0, executor=options["executor"]
        )
        self.stdout.write(self.style.SUCCESS("public schema, account template and accounts are migrated"))
