"""Federation fixtures: a mall account and a contractor account in an active partnership."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from federation import protocol, services
from federation.directory.models import Partnership
from tenant_apps.desk.models import Ticket, TicketType
from tests.desk.conftest import Mall, make_mall

TERMS = {
    "type_map": {"leak": "work_order", "breakdown": "work_order"},
    "status_to_provider": {"closed": "closed", "in_progress": "in_progress", "cancelled": "declined"},
    "status_to_requester": {"done": "resolved", "in_progress": "in_progress", "declined": "cancelled"},
    "attachments": True,
}


@dataclass
class Pair:
    mall: Mall
    contractor: Mall
    partnership: Partnership

    def in_mall(self):
        return _in(self.mall)

    def in_contractor(self):
        return _in(self.contractor)


class _in:
    """Work inside an account, with the Account as the connection's tenant (services need it)."""

    def __init__(self, mall: Mall):
        self.mall = mall

    def __enter__(self):
        self._ctx = schema_context(self.mall.schema)
        self._ctx.__enter__()
        connection.set_tenant(self.mall.made.account)
        return self.mall

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)
        connection.set_schema_to_public()


def make_pair(terms: dict | None = None, *, accept: bool = True) -> Pair:
    mall, contractor = make_mall(), make_mall("contractor")
    with _in(mall):
        p = services.invite_partner(
            actor=mall.people["admin"],
            partner=contractor.made.account.slug,
            terms=terms or TERMS,
            note="Escalators",
        )
    if accept:
        with _in(contractor):
            p = services.accept_partnership(actor=contractor.people["admin"], partnership=p, terms={})
    return Pair(mall, contractor, p)


def file_leak(mall: Mall, title: str = "Water under the escalator") -> Ticket:
    from tenant_apps.desk import services as desk

    with _in(mall):
        return desk.file_ticket(
            actor=mall.people["key_user"],
            ticket_type=TicketType.objects.get(code="leak"),
            title=title,
            description="Near the north escalator",
            fields={"severity": "stream"},
            location=mall.unit.pk,
        )


def signed(p: Partnership, doc: dict, *, key: str | None = None, ts: int | None = None) -> tuple[bytes, dict]:
    """A raw envelope and its headers, as a partner (or an impostor) would send them."""
    body = json.dumps(doc).encode()
    headers = protocol.signed_headers(partnership=p.pk, key_id=p.key_id, key=key or p.key, body=body)
    if ts is not None:
        headers[protocol.HEADER_TIMESTAMP] = str(ts)
        headers[protocol.HEADER_SIGNATURE] = protocol.signature(key or p.key, str(ts), body)
    return body, headers


def envelope_doc(
    p: Partnership, *, link, seq: int, kind: str, payload: dict, side: str = "requester"
) -> dict:
    from django.utils import timezone

    return {
        "v": 1,
        "id": str(uuid.uuid4()),
        "partnership": str(p.pk),
        "link": str(link),
        "seq": seq,
        "kind": kind,
        "from": side,
        "sent_at": timezone.now().isoformat(),
        "payload": payload,
    }


@pytest.fixture
def pair(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return make_pair()
