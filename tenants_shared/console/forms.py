"""Input of the console's pages; the rules themselves live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.licensing import Feature
from tenants_shared.accounts.models import AccountKind, AccountStatus

from .selectors import LICENCE_STATES


class LoginForm(forms.Form):
    email = forms.CharField(label=_("E-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    code = forms.CharField(
        label=_("Code from the authenticator app"), max_length=10, required=False, help_text=_("Six digits.")
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the authenticator app"), max_length=10)


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or slug"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", "—")] + [c for c in AccountKind.choices if c[0] != AccountKind.PLATFORM],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *AccountStatus.choices])
    plan = forms.ChoiceField(label=_("Plan"), required=False)
    licence = forms.ChoiceField(
        label=_("Licence"), required=False, choices=[("", "—")] + [(s, s) for s in LICENCE_STATES]
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "—")] + [(p.code, p.name) for p in plans]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReplayForm(ReasonForm):
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("in", _("Inbound")), ("out", _("Outbound"))]
    )
    message = forms.UUIDField(label=_("Message"))


class PlanForm(ReasonForm):
    plan = forms.CharField(label=_("Plan"), max_length=40)


class LimitsForm(ReasonForm):
    seats = forms.IntegerField(label=_("Seats (empty: the plan's)"), required=False, min_value=0)
    features = forms.MultipleChoiceField(
        label=_("Extra features"),
        required=False,
        choices=Feature.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class TrialForm(ReasonForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=90, initial=14)


class ImpersonateForm(ReasonForm):
    person_email = forms.CharField(label=_("Person's e-mail (empty: an account admin)"), required=False)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=240, initial=30)
