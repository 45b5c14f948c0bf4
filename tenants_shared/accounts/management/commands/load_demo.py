from django.conf import settings
from django.core.management.base import BaseCommand

from ...demo import load_demo


class Command(BaseCommand):
    help = "Load the demo accounts (Zelenopark, Petrovsky, Sever Service) if they are missing."

    def handle(self, *args, **options):
        lines = load_demo()
        self.stdout.write(
            f"\nDemo logins (password for all: see below), hosts <slug>.{settings.PLATFORM_DOMAIN}:"
        )
        for line in lines:
            self.stdout.write(f"  {line}")
