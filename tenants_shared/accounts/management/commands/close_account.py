from django.core.management.base import BaseCommand, CommandError
from kernel.errors import InvalidInput

from ...models import Account
from ...services import close_account


class Command(BaseCommand):
    help = "Close an account (sign-in refused, data kept until the retention period ends)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, **options):
        account = Account.objects.filter(slug=options["slug"]).first()
        if account is None:
            raise CommandError(f"no account {options['slug']!r}")
        try:
            close_account(account=account, reason=options["reason"])
        except InvalidInput as exc:
            raise CommandError(str(exc.fields)) from exc
        self.stdout.write(f"account {account.slug} closed")
