"""The default desk (desk/defaults.py) is named in the new account's language: Russian or English."""

from __future__ import annotations

import pytest

from tests.support.context import in_account
from tests.support.worlds import provision

pytestmark = pytest.mark.django_db

KINDS = ("mall_operator", "retail_chain", "contractor", "other")


def names_of_the_desk() -> set[str]:
    """Every configuration name a new account shows."""
    from tenant_apps.approvals.models import ApprovalPolicy
    from tenant_apps.desk.models import (
        ChecklistTemplate,
        FormField,
        RoutingRule,
        Status,
        TicketType,
        Transition,
        Workflow,
    )
    from tenant_apps.people.models import ResponsibilityGroup

    names: set[str] = set()
    for model, field in (
        (TicketType, "name"),
        (TicketType, "description"),
        (FormField, "label"),
        (Workflow, "name"),
        (Status, "name"),
        (Transition, "name"),
        (ResponsibilityGroup, "name"),
        (RoutingRule, "name"),
        (ApprovalPolicy, "name"),
        (ChecklistTemplate, "name"),
    ):
        names |= set(model.objects.exclude(**{field: ""}).values_list(field, flat=True))
    for items in ChecklistTemplate.objects.values_list("items", flat=True):
        names |= {item["label"] for item in items}
    return names


def test_a_russian_account_gets_its_desk_in_russian_and_an_english_one_in_english():
    from tenant_apps.desk.models import ChecklistTemplate, FormField, Status, TicketType, Transition
    from tenant_apps.people.models import ResponsibilityGroup

    def desk():
        template = ChecklistTemplate.objects.get(ticket_type__code="goods_in")
        return {
            "type": TicketType.objects.get(code="leak").name,
            "description": TicketType.objects.get(code="breakdown").description,
            "label": FormField.objects.get(ticket_type__code="leak", key="severity").label,
            "status": Status.objects.get(workflow__code="incident", key="in_progress").name,
            "approved": Status.objects.filter(key="approved").values_list("name", flat=True).first(),
            "transition": Transition.objects.get(
                workflow__code="incident", name__in=["Take into work", "Взять в работу"]
            ).name,
            "group": ResponsibilityGroup.objects.get(code="plumbing").name,
            "checklist": template.name,
            "item": template.items[0]["label"],
        }

    with in_account(provision(language="ru")):
        russian = desk()
    with in_account(provision(language="en")):
        english = desk()
    assert russian == {
        "type": "Протечка",
        "description": "Что-то сломалось: доводчик двери, освещение, эскалатор.",
        "label": "Насколько сильно",
        "status": "В работе",
        "approved": "Согласована",
        "transition": "Взять в работу",
        "group": "Сантехники",
        "checklist": "На КПП",
        "item": "Товар завезён",
    }
    assert english == {
        "type": "Leak",
        "description": "Something is broken: a door closer, lighting, an escalator.",
        "label": "How bad",
        "status": "In progress",
        "approved": "Approved",
        "transition": "Take into work",
        "group": "Plumbing",
        "checklist": "At the gate",
        "item": "Goods brought in",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_every_default_name_of_every_kind_is_listed_and_translated(kind):
    from tenant_apps.desk.default_names import translations

    russian_names = translations("ru")
    with in_account(provision(kind=kind, language="en")):
        english = names_of_the_desk()
    with in_account(provision(kind=kind, language="ru")):
        russian = names_of_the_desk()
    assert english, kind
    assert english - set(russian_names) == set(), "default names missing from default_names.py"
    assert russian == {russian_names[name] for name in english}
