"""Publishing mails the addressed companies' people through a real Celery worker, once each."""

from __future__ import annotations

import email
import email.policy
import os
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context, tenant_context

from atrium.celery import app
from tenant_apps.notices import services
from tenant_apps.notices.models import EmailDelivery
from tenant_apps.people.models import Company, Role, User
from tenant_apps.people.services import create_person
from tests.support.processes import wait_for
from tests.support.worlds import provision

pytestmark = pytest.mark.live


def _deliveries(schema: str, announcement_id: int) -> int:
    with schema_context(schema):
        return EmailDelivery.objects.filter(announcement_id=announcement_id).count()


def _mails_to(address: str) -> list[str]:
    """Plain-text bodies of the messages the worker's file-based backend wrote to `address` (account
    mails carry a branded HTML alternative too)."""
    bodies = []
    for path in Path(os.environ["ATRIUM_MAIL_DIR"]).glob("*.log"):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default)
                if message["To"] == address:
                    bodies.append(message.get_body(preferencelist=("plain",)).get_content())
    return bodies


def test_publishing_mails_every_addressee_once_through_the_worker(celery_worker):
    made = provision()
    schema, slug = made.account.schema_name, made.account.slug
    with tenant_context(made.account):
        shop = Company.objects.create(name="Coffee Point", kind="tenant")
        other = Company.objects.create(name="Glass Pro", kind="contractor")
        people = {}
        for name, role, company, language in (
            ("manager", Role.KEY_USER, shop, "ru"),  # first: has set a password, the card is active
            ("cashier", Role.EMPLOYEE, shop, "en"),
            ("glazier", Role.KEY_USER, other, "en"),
        ):
            person = create_person(
                email=f"{name}@{slug}.example",
                full_name=name.title(),
                password="Manager-Pass-2026" if name == "manager" else None,
                role=role,
                language=language,
                validate=False,
            )
            User.objects.filter(pk=person.pk).update(company=company)
            people[name] = person
        with transaction.atomic():  # committed: the task is queued once this block commits
            draft = services.save_announcement(
                actor=made.admin,
                announcement=None,
                data={"title": "Fire drill", "body": "Thursday at 10:00.", "audience": "all_tenants"},
            )
            announcement = services.publish_announcement(actor=made.admin, announcement=draft)
    connection.set_schema_to_public()

    wait_for(lambda: _deliveries(schema, announcement.pk) == 2)
    # the task run again (a retry, a duplicate delivery of the message) mails nobody again
    again = app.send_task(
        "notices.send_announcement_emails",
        kwargs={"announcement_id": announcement.pk},
        headers={"_schema_name": schema},
    )
    assert again.get(timeout=20) == 0
    assert _deliveries(schema, announcement.pk) == 2
    (to_manager,) = _mails_to(f"manager@{slug}.example")
    (to_cashier,) = _mails_to(f"cashier@{slug}.example")
    assert _mails_to(f"glazier@{slug}.example") == []  # a contractor is not a tenant
    assert to_manager.startswith("Здравствуйте, Manager!") and "Thursday at 10:00." in to_manager
    assert (
        to_cashier.startswith("Hello Cashier,") and f"/portal/announcements/{announcement.pk}" in to_cashier
    )
