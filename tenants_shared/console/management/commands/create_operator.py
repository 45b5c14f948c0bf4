"""Create a platform operator with a console role and a TOTP device; print the TOTP secret.

    ./dev manage create_operator --email owner@example.com --name "Olga Owner" --role owner
(the password is asked for, or taken from ATRIUM_OPERATOR_PASSWORD).
"""

from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from kernel.errors import InvalidInput

from tenants_shared.console.models import OperatorRole
from tenants_shared.console.services import create_operator


class Command(BaseCommand):
    help = "Create a platform operator (support, billing or owner) and print the TOTP secret to enrol."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--role", choices=OperatorRole.values, default=OperatorRole.OWNER)
        parser.add_argument("--password", help="Prefer ATRIUM_OPERATOR_PASSWORD or the prompt.")

    def handle(self, *args, email, name, role, password=None, **options):
        password = password or os.environ.get("ATRIUM_OPERATOR_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
        connection.set_schema_to_public()
        try:
            made = create_operator(email=email, full_name=name, password=password, role=role)
        except InvalidInput as exc:
            problems = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in exc.fields.items())
            raise CommandError(problems) from exc
        self.stdout.write(f"Operator {made.user.email} ({role}) created.")
        self.stdout.write(f"TOTP secret: {made.secret}")
        self.stdout.write(f"TOTP URI: {made.otpauth_uri}")
        self.stdout.write(
            "Add it to an authenticator app, then sign in at /console/login/ on the public host."
        )
