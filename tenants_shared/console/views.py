"""The operator console's pages on the public host (server-rendered). Thin: they check the role
predicate, read through selectors and write through services."""

from __future__ import annotations

import functools

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from kernel.errors import DomainError
from kernel.proxies import client_address

from tenant_apps.people.models import User
from tenants_shared.accounts.models import Account

from . import forms, otp, selectors, services
from . import permissions as perms
from .errors import OperatorForbidden
from .models import Impersonation

BACKEND = "tenant_apps.people.auth.AccountPersonBackend"


def _forbidden(request):
    return HttpResponseForbidden(render_to_string("console/forbidden.html", request=request))


def operator_view(predicate=perms.can_use_console):
    """Signed in with password and TOTP, with a console role that `predicate` accepts."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not otp.verified(request):
                return redirect(f"{reverse('console:login')}?next={request.path}")
            if not predicate(request.user):
                return _forbidden(request)
            try:
                return view(request, *args, **kwargs)
            except OperatorForbidden:
                return _forbidden(request)

        return wrapped

    return decorate


# ---------------------------------------------------------------------------- signing in
def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("console:accounts")


def _finish_login(request, user: User, device) -> None:
    login(request, user, backend=BACKEND)
    otp.otp_login(request, device)
    services.record_sign_in(operator=user, address=client_address(request))


def login_view(request):
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if user is not None and perms.operator_role(user) is not None:
            device = otp.confirmed_device(user)
            if device is None:  # first sign-in: enrol an authenticator app
                request.session[otp.ENROL_SESSION_KEY] = user.pk
                return redirect(reverse("console:enrol") + f"?next={_next(request)}")
            code = (form.cleaned_data["code"] or "").strip()
            allowed, _details = device.verify_is_allowed()
            if allowed and code and device.verify_token(code):
                _finish_login(request, user, device)
                return redirect(_next(request))
        form.add_error(None, _("The e-mail, password or code is not correct."))
    return render(request, "console/login.html", {"form": form, "next": _next(request)})


def enrol_view(request):
    """Show the QR of a new TOTP secret to an operator who passed the password but has no device."""
    user = User.objects.filter(pk=request.session.get(otp.ENROL_SESSION_KEY), is_staff=True).first()
    if user is None or otp.confirmed_device(user) is not None:
        return redirect("console:login")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.new_totp_device(
        user=user
    )
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(user=user, device=device, code=form.cleaned_data["code"]):
            request.session.pop(otp.ENROL_SESSION_KEY, None)
            _finish_login(request, user, device)
            return redirect(_next(request))
        form.add_error("code", _("This code is not correct. Check the time on your phone and try again."))
    secret = services.NewOperator(user, device).secret
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5)
    return render(
        request,
        "console/enrol.html",
        {"form": form, "qr": qr, "secret": secret, "uri": device.config_url, "next": _next(request)},
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("console:login")


# ---------------------------------------------------------------------------- accounts
@operator_view()
def accounts_view(request):
    plans = list(selectors.plans())
    form = forms.AccountFilterForm(request.GET or None, plans=plans)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.page(number=request.GET.get("page") or 1, **{k: v for k, v in filters.items() if v})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/accounts.html",
        {"form": form, "page": page, "query": query.urlencode(), "role": perms.operator_role(request.user)},
    )


def _account(slug: str) -> Account:
    return get_object_or_404(Account.objects.exclude(schema_name="public"), slug=slug)


@operator_view()
def account_view(request, slug: str):
    account = _account(slug)
    row = selectors.row(account)
    user = request.user
    return render(
        request,
        "console/account.html",
        {
            "row": row,
            "account": account,
            "subscription": getattr(account, "subscription", None),
            "plans": selectors.plans(),
            "events": selectors.billing_events(account),
            "audit": selectors.audit(account=account, limit=30),
            "impersonations": selectors.impersonations(account),
            "federation": selectors.federation_health(account),
            "parked": selectors.federation_parked(account),
            "may": {
                "billing": perms.can_change_billing(user),
                "suspend": perms.can_suspend_accounts(user),
                "close": perms.can_close_accounts(user),
                "impersonate": perms.can_impersonate(user),
                "replay": perms.can_replay_federation(user),
            },
            "forms": {
                "plan": forms.PlanForm(),
                "limits": forms.LimitsForm(
                    initial={
                        "seats": getattr(getattr(account, "subscription", None), "seats_override", None),
                        "features": getattr(getattr(account, "subscription", None), "features_override", []),
                    }
                ),
                "trial": forms.TrialForm(),
                "reason": forms.ReasonForm(),
                "impersonate": forms.ImpersonateForm(),
            },
        },
    )


ACTIONS = {
    # action: (form, predicate, call(operator, account, data))
    "plan": (
        forms.PlanForm,
        perms.can_change_billing,
        lambda op, acc, d: services.change_plan(
            operator=op, account=acc, plan_code=d["plan"], reason=d["reason"]
        ),
    ),
    "limits": (
        forms.LimitsForm,
        perms.can_change_billing,
        lambda op, acc, d: services.override_limits(
            operator=op, account=acc, seats=d["seats"], features=d["features"], reason=d["reason"]
        ),
    ),
    "trial": (
        forms.TrialForm,
        perms.can_change_billing,
        lambda op, acc, d: services.extend_trial(
            operator=op, account=acc, days=d["days"], reason=d["reason"]
        ),
    ),
    "suspend": (
        forms.ReasonForm,
        perms.can_suspend_accounts,
        lambda op, acc, d: services.suspend_account(operator=op, account=acc, reason=d["reason"]),
    ),
    "resume": (
        forms.ReasonForm,
        perms.can_suspend_accounts,
        lambda op, acc, d: services.resume_account(operator=op, account=acc, reason=d["reason"]),
    ),
    "replay": (
        forms.ReplayForm,
        perms.can_replay_federation,
        lambda op, acc, d: services.replay_parked_message(
            operator=op, account=acc, direction=d["direction"], message_id=d["message"], reason=d["reason"]
        ),
    ),
    "close": (
        forms.ReasonForm,
        perms.can_close_accounts,
        lambda op, acc, d: services.close_account(operator=op, account=acc, reason=d["reason"]),
    ),
}


def _report_errors(request, fields: dict) -> None:
    for name, problems in fields.items():
        for problem in problems:
            messages.error(request, f"{name}: {problem}")


@require_POST
@operator_view()
def account_action_view(request, slug: str, action: str):
    if action not in ACTIONS:
        return redirect("console:account", slug=slug)
    form_class, predicate, call = ACTIONS[action]
    if not predicate(request.user):
        return _forbidden(request)
    account = _account(slug)
    form = form_class(request.POST)
    if not form.is_valid():
        _report_errors(request, form.errors)
        return redirect("console:account", slug=slug)
    try:
        call(request.user, account, form.cleaned_data)
    except OperatorForbidden:
        return _forbidden(request)
    except DomainError as exc:
        _report_errors(request, exc.fields or {"": [exc.detail]})
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": action})
    return redirect("console:account", slug=slug)


@require_POST
@operator_view(perms.can_impersonate)
def impersonate_view(request, slug: str):
    account = _account(slug)
    form = forms.ImpersonateForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form.errors)
        return redirect("console:account", slug=slug)
    try:
        handoff = services.start_impersonation(operator=request.user, account=account, **form.cleaned_data)
    except DomainError as exc:
        _report_errors(request, exc.fields or {"": [exc.detail]})
        return redirect("console:account", slug=slug)
    return render(request, "console/handoff.html", {"account": account, "handoff": handoff})


@require_POST
@operator_view(perms.can_impersonate)
def end_impersonation_view(request, pk: int):
    grant = get_object_or_404(Impersonation, pk=pk)
    services.end_impersonation(
        operator=request.user, impersonation=grant, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("The impersonation has ended."))
    return redirect("console:account", slug=grant.account.slug)


@operator_view()
def audit_view(request):
    return render(request, "console/audit.html", {"entries": selectors.audit(limit=200)})
