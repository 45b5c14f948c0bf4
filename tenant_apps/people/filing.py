"""What an employee may file: a company key user narrows, per employee, the ticket types that
employee may file (the seeds' tenant card: a cashier files cleaning and repairs, not goods moves).

- The default (`User.filing_type_ids` NULL) is everything the company may file: the active types
  whose "who may file" names the employee's role.
- A key user chooses a subset of those (an empty list: nothing); a type the company may not file
  cannot be chosen. Only the key user's own company's employees, never another key user.
- The choice is enforced where every filing passes (`permissions.can_file`, and the type list the
  person sees, `permissions.fileable_ticket_types`): a refused type is a 403 at filing and is not in
  `/ticket-types/` for that person. Agents filing on the employee's behalf are not narrowed.
- A type added to the account later is not in a narrowed choice until the key user adds it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from tenant_apps import permissions as perms

from .models import User


def _company_types(person: User):
    """The types `person`'s company may file in their role (what an unnarrowed employee files)."""
    from tenant_apps.desk.models import TicketType

    return (
        TicketType.objects.filter(is_active=True, filing_roles__contains=[person.role])
        .order_by("order", "name")
        .only("id", "code", "name")
    )


def _check(key_user: User, person: User) -> None:
    if not perms.can_manage_team_member(key_user, person):
        raise InvalidInput(fields={"person": [_("Key users manage employees of their own company only.")]})


def filing_choice(*, key_user: User, person: User) -> dict:
    """What `person` may file and what the key user may choose from."""
    _check(key_user, person)
    chosen = person.filing_type_ids
    return {
        "restricted": chosen is not None,
        "types": [
            {
                "id": t.pk,
                "code": t.code,
                "name": t.name,
                "allowed": chosen is None or t.pk in chosen,
            }
            for t in _company_types(person)
        ],
    }


@transaction.atomic
def set_filing_types(*, key_user: User, person: User, type_ids: list[int] | None) -> dict:
    """Narrow what `person` may file to `type_ids` (None: everything the company may file)."""
    person = User.objects.select_for_update().get(pk=person.pk)
    _check(key_user, person)
    if type_ids is not None:
        offered = set(_company_types(person).values_list("pk", flat=True))
        unknown = sorted(set(type_ids) - offered)
        if unknown:
            raise InvalidInput(
                fields={"types": [_("Your company may not file these types: %(ids)s.") % {"ids": unknown}]}
            )
        type_ids = sorted(set(type_ids))
        if set(type_ids) == offered:
            type_ids = None  # everything: stays open to types the company may file later
    person.filing_type_ids = type_ids
    person.save(update_fields=["filing_type_ids"])
    return filing_choice(key_user=key_user, person=person)
