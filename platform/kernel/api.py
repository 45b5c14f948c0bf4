"""Small shared pieces for DRF views: permissions by predicate from tenant_apps.permissions."""

from __future__ import annotations

from rest_framework.permissions import BasePermission


class Predicates(BasePermission):
    """`view.predicates` maps an action (list, create, retrieve, ...) or "read"/"write" to a
    predicate `(user) -> bool` from tenant_apps.permissions. Object-level rules are the services'."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        table = getattr(view, "predicates", {})
        action = getattr(view, "action", None) or request.method.lower()
        predicate = table.get(action) or table.get(
            "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"
        )
        return bool(predicate and predicate(user))
