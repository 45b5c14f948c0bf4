from django.core.management.base import BaseCommand

from ...services import drop_closed_accounts


class Command(BaseCommand):
    help = "Drop the schemas of accounts closed for longer than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=None)

    def handle(self, *args, **options):
        dropped = drop_closed_accounts(older_than_days=options["older_than_days"])
        self.stdout.write(f"dropped {len(dropped)} account schema(s): {', '.join(dropped) or '-'}")
