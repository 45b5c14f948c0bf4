"""Partnerships across deployments, one side at a time: this deployment as the provider (a
requester on another deployment presents an invitation code over HTTP, then sends its state), and
as the requester (what the inviting admin gets for bad input). The two-deployment story runs in
test_two_deployments.py."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from federation import protocol
from federation.directory.models import InvitationCode, Partnership
from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db
REQUESTER_URL = "https://mall.example"


def _meta(headers: dict[str, str]) -> dict[str, str]:
    return {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}


def post_public(path: str, body: bytes, headers: dict[str, str]):
    return Client().post(
        path,
        body,
        content_type="application/json",
        HTTP_HOST=django_settings.PLATFORM_DOMAIN,
        **_meta(headers),
    )


def handshake(code: str, *, nonce: str | None = None, secret: str | None = None, **changes):
    code_id, code_secret = code.split(".", 1)
    pid = protocol.partnership_for_code(code_secret)
    doc = {
        "v": 1,
        "invitation": code_id,
        "partnership": str(pid),
        "nonce": nonce or secrets.token_hex(16),
        "requester": {"name": "Riverside Mall", "url": REQUESTER_URL},
        "terms": {"type_map": {"leak": ""}, "status_to_provider": {"closed": "closed"}, "attachments": True},
        "note": "Escalators",
        **changes,
    }
    body = protocol.canonical(doc)
    headers = protocol.signed_headers(partnership=pid, key_id=code_id, key=secret or code_secret, body=body)
    return post_public("/federation/handshake/", body, headers), doc


def state_message(p: Partnership, seq: int, payload: dict, *, key_id=None, key=None):
    body = protocol.canonical(
        {
            "v": 1,
            "id": str(protocol.message_id_for(p.pk, "requester", seq)),
            "partnership": str(p.pk),
            "link": str(p.pk),
            "seq": seq,
            "kind": "partnership",
            "from": "requester",
            "sent_at": timezone.now().isoformat(),
            "payload": {"name": "Riverside Mall", **payload},
        }
    )
    headers = protocol.signed_headers(
        partnership=p.pk, key_id=key_id or p.key_id, key=key or p.key, body=body
    )
    return post_public("/federation/inbox/", body, headers)


@pytest.fixture
def contractor(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return make_mall("contractor")


def make_code(contractor, **body) -> dict:
    made = contractor.api("admin", "post", "/federation/invitation-codes/", {"note": "for the mall", **body})
    assert made.status_code == 201, made.content
    return made.json()


def test_an_invitation_code_makes_one_invited_partnership_and_is_used_up(contractor):
    assert contractor.api("dispatcher", "post", "/federation/invitation-codes/", {}).status_code == 403
    made = make_code(contractor)
    code = made["code"]
    assert made["state"] == "open" and code.startswith(made["id"] + ".")
    listed = contractor.api("admin", "get", "/federation/invitation-codes/").json()
    assert [c["id"] for c in listed] == [made["id"]] and "code" not in listed[0]

    response, doc = handshake(code)
    assert response.status_code == 201, response.content
    answer = response.json()
    key_id, key = protocol.handshake_key(
        code.split(".", 1)[1],
        protocol.partnership_for_code(code.split(".", 1)[1]),
        doc["nonce"],
        answer["nonce"],
    )
    # the answer proves the provider holds the same secret: it is signed with the derived key
    protocol.check_signature(
        keys={key_id: key},
        headers={h: response.headers[h] for h in protocol.SIGNATURE_HEADERS},
        body=response.content,
        now=timezone.now(),
        window=300,
    )
    assert answer["key_id"] == key_id and answer["partnership"] == doc["partnership"]
    p = Partnership.objects.get(pk=doc["partnership"])
    assert (p.provider_account, p.requester_account, p.state) == (contractor.made.account, None, "invited")
    assert (p.remote_url, p.remote_name, p.key_id, p.key) == (REQUESTER_URL, "Riverside Mall", key_id, key)
    assert p.type_map == {"leak": ""}

    # a retry (the answer was lost) finds the same partnership; no second one is made
    again, doc2 = handshake(code)
    assert again.status_code == 201, again.content
    assert Partnership.objects.filter(provider_account=contractor.made.account).count() == 1
    p.refresh_from_db()
    assert p.key == protocol.handshake_key(code.split(".", 1)[1], p.pk, doc2["nonce"], answer["nonce"])[1]

    shown = contractor.api("admin", "get", f"/federation/partnerships/{p.pk}/").json()
    assert shown["partner"] == {"name": "Riverside Mall", "address": REQUESTER_URL}
    assert shown["side"] == "provider" and shown["state"] == "invited"
    # the contractor's admin accepts, naming its own type; the mall is told (after commit)
    bad = contractor.api(
        "admin", "post", f"/federation/partnerships/{p.pk}/accept/", {"type_map": {"leak": "nope"}}
    )
    assert bad.status_code == 400 and "type_map" in bad.json()["fields"]
    accepted = contractor.api(
        "admin", "post", f"/federation/partnerships/{p.pk}/accept/", {"type_map": {"leak": "work_order"}}
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "active" and accepted.json()["state_delivered"] is False
    p.refresh_from_db()
    assert p.state_seq == 1 and p.type_map == {"leak": "work_order"}

    # now the code is spent
    reused, _doc = handshake(code)
    assert reused.status_code == 409 and reused.json()["code"] == "code_used"
    assert contractor.api("admin", "get", "/federation/invitation-codes/").json()[0]["state"] == "used"


def test_bad_expired_revoked_and_forged_codes_are_refused_and_write_nothing(contractor):
    code = make_code(contractor)["code"]
    code_id, secret = code.split(".", 1)
    before = Partnership.objects.count()

    unknown, _d = handshake("0123456789abcdef." + secret)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_code")
    forged, _d = handshake(code, secret="x" * 32)
    assert (forged.status_code, forged.json()["code"]) == (401, "bad_signature")
    broken, _d = handshake(code, terms={"type_map": "leak"})
    assert (broken.status_code, broken.json()["code"]) == (400, "bad_envelope")
    empty, _d = handshake(code, terms={"type_map": {}})
    assert (empty.status_code, empty.json()["code"]) == (400, "bad_envelope")

    InvitationCode.objects.filter(pk=code_id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired, _d = handshake(code)
    assert (expired.status_code, expired.json()["code"]) == (410, "code_expired")

    other = make_code(contractor, valid_hours=1)
    revoked = contractor.api("admin", "post", f"/federation/invitation-codes/{other['id']}/revoke/", {})
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    withdrawn, _d = handshake(other["code"])
    assert (withdrawn.status_code, withdrawn.json()["code"]) == (410, "code_revoked")

    assert Partnership.objects.count() == before
    assert not InvitationCode.objects.filter(used_at__isnull=False).exists()
    too_long = contractor.api("admin", "post", "/federation/invitation-codes/", {"valid_hours": 10000})
    assert too_long.status_code == 400 and "valid_hours" in too_long.json()["fields"]


def test_the_inviting_side_gets_field_errors_and_writes_nothing(contractor):
    mall = make_mall()
    here = make_code(contractor)["code"]
    terms = {"type_map": {"leak": ""}}

    def invite(**body):
        return mall.api("admin", "post", "/federation/partnerships/", {**terms, **body})

    before = Partnership.objects.count()  # committed ones of live tests earlier on this worker
    cases = [
        ({"remote_url": "http://127.0.0.1:9", "code": "not a code"}, "code"),
        ({"remote_url": "ftp://x", "code": here}, "remote_url"),
        ({"remote_url": "http://127.0.0.1:9", "code": here}, "code"),  # made on this deployment
        ({"remote_url": "http://127.0.0.1:9", "code": "0123456789abcdef." + "a" * 32}, "remote_url"),
        ({"partner": contractor.made.account.slug, "remote_url": "http://127.0.0.1:9"}, "partner"),
    ]
    for body, field in cases:
        response = invite(**body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["fields"], (body, response.json())
    assert mall.api("dispatcher", "post", "/federation/partnerships/", terms).status_code == 403
    assert Partnership.objects.count() == before


def test_the_partners_state_and_key_rotations_arrive_as_signed_messages(contractor):
    code = make_code(contractor)["code"]
    response, doc = handshake(code)
    assert response.status_code == 201
    p = Partnership.objects.get(pk=doc["partnership"])
    # a requester cannot accept for the provider
    assert state_message(p, 1, {"state": "active"}).json()["result"] == "accepted"
    p.refresh_from_db()
    assert p.state == "invited" and p.remote_state_seq == 1
    contractor.api(
        "admin", "post", f"/federation/partnerships/{p.pk}/accept/", {"type_map": {"leak": "work_order"}}
    )

    assert state_message(p, 2, {"state": "suspended", "reason": "Audit"}).json()["result"] == "accepted"
    p.refresh_from_db()
    assert (p.state, p.suspended_by, p.reason) == ("suspended", "requester", "Audit")
    # the same message again, or an older one, changes nothing
    assert state_message(p, 2, {"state": "suspended"}).json()["result"] == "duplicate"
    assert state_message(p, 1, {"state": "active"}).json()["result"] == "duplicate"
    assert state_message(p, 3, {"state": "active"}).json()["result"] == "accepted"
    p.refresh_from_db()
    assert p.state == "active"

    # the requester rotates: the new key is derived on both sides, the old one still works a while
    old_id, old_key = p.key_id, p.key
    rotated = state_message(p, 4, {"state": "active", "key": {"id": "00aa11bb22cc33dd", "nonce": "n" * 32}})
    assert rotated.json()["result"] == "accepted"
    p.refresh_from_db()
    assert p.key_id == "00aa11bb22cc33dd" and p.key == protocol.rotated_key(
        old_key, p.pk, "00aa11bb22cc33dd", "n" * 32
    )
    assert (p.previous_key_id, p.previous_key) == (old_id, old_key)
    assert state_message(p, 5, {"state": "active"}).json()["result"] == "accepted"  # new key
    assert state_message(p, 6, {"state": "active"}, key_id=old_id, key=old_key).status_code == 200
    forged = state_message(p, 7, {"state": "ended"}, key="y" * 43)
    assert forged.status_code == 401 and forged.json()["code"] == "bad_signature"

    # the provider rotates: until the requester takes it, this side signs with the key it holds
    from federation.keys import signing_key

    first = contractor.api("admin", "post", f"/federation/partnerships/{p.pk}/rotate-key/", {})
    assert first.status_code == 200, first.content
    p.refresh_from_db()
    assert p.rotation_nonce and signing_key(p) == (p.previous_key_id, p.previous_key)
    assert p.key == protocol.rotated_key(p.previous_key, p.pk, p.key_id, p.rotation_nonce)
    second = contractor.api("admin", "post", f"/federation/partnerships/{p.pk}/rotate-key/", {})
    assert second.status_code == 409 and second.json()["code"] == "rotation_pending"

    # the requester ends it
    assert (
        state_message(
            p, 8, {"state": "ended", "reason": "Contract over"}, key_id=p.previous_key_id, key=p.previous_key
        ).status_code
        == 200
    )
    p.refresh_from_db()
    assert (p.state, p.ended_by, p.reason) == ("ended", "requester", "Contract over")
