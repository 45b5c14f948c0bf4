from django.conf import settings
from django.core.management.base import BaseCommand

from tenants_shared.accounts.demo import ensure_public_account, load_demo

from ...demo import ensure_demo_operator


class Command(BaseCommand):
    help = "Load the demo operator and accounts (Zelenopark, Petrovsky, Sever Service) if they are missing."

    def handle(self, *args, **options):
        ensure_public_account()
        lines = [ensure_demo_operator(), *load_demo()]
        self.stdout.write(
            f"\nDemo logins (password for all: see below), hosts <slug>.{settings.PLATFORM_DOMAIN}:"
        )
        for line in lines:
            self.stdout.write(f"  {line}")
