"""Billing's services for the layers above it. Subscription rows are written in one module,
billing/subscriptions.py; provisioning starts an account's trial through this name."""

from __future__ import annotations

from .subscriptions import start_trial

__all__ = ["start_trial"]
