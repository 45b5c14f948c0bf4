"""Federation's services for callers outside federation: tenant_apps, the console, the API views,
benchmarks and tests call `federation.services.X`. A thin facade: every name is defined in the
module of its concept (federation/README.md lists them and their import order); nothing here but
these re-exports.
"""

from __future__ import annotations

from .accounts import in_account
from .delivery import drain_link, send_state, sweep_outbox
from .errors import (
    DeliveryFailed,
    HandshakeFailed,
    NoActiveLink,
    NotForwardable,
    PartnershipNotActive,
    RotationPending,
    WrongPartnershipState,
)
from .files import read_shared_file
from .forwarding import decline_ticket, forward_as_subticket, forward_ticket, recall_ticket
from .inbox import ACCEPTED, apply_ready, receive, receive_many
from .keys import accepted_keys, rotate_key, signing_key
from .partnerships import (
    accept_partnership,
    decline_partnership,
    end_partnership,
    invite_partner,
    partnership_for,
    partnerships_of,
    resume_partnership,
    rotate_partnership_key,
    suspend_partnership,
)
from .person import partner_person
from .remote import create_invitation_code, invitation_codes_of, receive_handshake, revoke_invitation_code
from .replay import replay, replay_in_account

__all__ = [
    "ACCEPTED",
    "DeliveryFailed",
    "HandshakeFailed",
    "NoActiveLink",
    "NotForwardable",
    "PartnershipNotActive",
    "RotationPending",
    "WrongPartnershipState",
    "accept_partnership",
    "accepted_keys",
    "apply_ready",
    "create_invitation_code",
    "decline_partnership",
    "decline_ticket",
    "drain_link",
    "end_partnership",
    "forward_as_subticket",
    "forward_ticket",
    "in_account",
    "invitation_codes_of",
    "invite_partner",
    "partner_person",
    "partnership_for",
    "partnerships_of",
    "read_shared_file",
    "recall_ticket",
    "receive",
    "receive_handshake",
    "receive_many",
    "replay",
    "replay_in_account",
    "resume_partnership",
    "revoke_invitation_code",
    "rotate_key",
    "rotate_partnership_key",
    "send_state",
    "signing_key",
    "suspend_partnership",
    "sweep_outbox",
]
