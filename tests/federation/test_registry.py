"""The registry of what crosses to a partner is complete: every ticket-event kind is classified
(crossing or staying) and every message kind has an applier; a kind nobody classified stops the
start (FederationConfig.ready runs the same check)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from federation import registry
from federation.models import MessageKind
from tenant_apps.desk.models import EventKind


def test_the_installed_kinds_are_all_classified():
    registry.check_installed()  # what FederationConfig.ready() runs: no error
    assert registry.crossing_kinds() == {
        EventKind.COMMENTED,
        EventKind.STATUS_CHANGED,
        EventKind.CHANGED,
        EventKind.ASSIGNED,
        EventKind.CHECKLIST_CHANGED,
        EventKind.ATTACHMENT_ADDED,
        EventKind.CONFIRMED,
        EventKind.RETURNED,
        EventKind.RATED,
    }
    assert registry.crossing_for(EventKind.CREATED) is None
    assert registry.crossing_for(EventKind.ATTACHMENT_ADDED).needs_partnership
    for kind in MessageKind.values:
        assert callable(registry.applier_for(kind))


def test_an_event_kind_nobody_classified_fails():
    with pytest.raises(ImproperlyConfigured, match="nobody classified.*escalated"):
        registry.check_complete(
            event_kinds=[*EventKind.values, "escalated"], message_kinds=MessageKind.values
        )


def test_a_message_kind_without_an_applier_fails():
    with pytest.raises(ImproperlyConfigured, match="without an applier: merge"):
        registry.check_complete(event_kinds=EventKind.values, message_kinds=[*MessageKind.values, "merge"])


def test_a_classified_kind_that_no_longer_exists_fails():
    kinds = [k for k in EventKind.values if k != EventKind.RATED]
    with pytest.raises(ImproperlyConfigured, match="do not exist: rated"):
        registry.check_complete(event_kinds=kinds, message_kinds=MessageKind.values)


def test_a_kind_classified_twice_fails():
    with pytest.raises(ImproperlyConfigured, match="classified twice"):
        registry.stays(EventKind.COMMENTED, why="a second, contradicting declaration")
    assert registry.crossing_for(EventKind.COMMENTED) is not None  # the first one stands
