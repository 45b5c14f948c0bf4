"""Every name the default desks install (defaults.py), as messages to translate.

A new account's desk is installed in English (into the template schemas, one per account kind) and
then named in the account's language by `defaults.localize_defaults`, which looks each default
name up here: message context "default desk", so that "Assigned" (a status) is not translated as
the event kind of the same English name. A test checks that every name a new account of each kind
gets is listed here and translated.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import pgettext_lazy

CONTEXT = "default desk"

NAMES = (
    pgettext_lazy("default desk", "Operations"),
    pgettext_lazy("default desk", "Engineering"),
    pgettext_lazy("default desk", "Plumbing"),
    pgettext_lazy("default desk", "Cleaning"),
    pgettext_lazy("default desk", "Security / Guards"),
    pgettext_lazy("default desk", "Marketing"),
    pgettext_lazy("default desk", "Noticed at"),
    pgettext_lazy("default desk", "Breakdown"),
    pgettext_lazy("default desk", "Something is broken: a door closer, lighting, an escalator."),
    pgettext_lazy("default desk", "Leak"),
    pgettext_lazy("default desk", "Cleaning needed"),
    pgettext_lazy("default desk", "Too hot / too cold"),
    pgettext_lazy("default desk", "No water"),
    pgettext_lazy("default desk", "Works permit"),
    pgettext_lazy("default desk", "Goods move-in"),
    pgettext_lazy("default desk", "Goods move-out"),
    pgettext_lazy("default desk", "Marketing event"),
    pgettext_lazy("default desk", "Pass request"),
    pgettext_lazy("default desk", "Leaks to plumbing"),
    pgettext_lazy("default desk", "Breakdowns and climate to engineering"),
    pgettext_lazy("default desk", "Works permits to engineering"),
    pgettext_lazy("default desk", "Goods to operations"),
    pgettext_lazy("default desk", "Marketing events"),
    pgettext_lazy("default desk", "Passes to security"),
    pgettext_lazy("default desk", "Works: engineering and security"),
    pgettext_lazy("default desk", "Events: marketing and operations"),
    pgettext_lazy("default desk", "Passes: security"),
    pgettext_lazy("default desk", "At the gate"),
    pgettext_lazy("default desk", "Before closing the works"),
    pgettext_lazy("default desk", "Facilities"),
    pgettext_lazy("default desk", "IT"),
    pgettext_lazy("default desk", "Purchasing"),
    pgettext_lazy("default desk", "HR"),
    pgettext_lazy("default desk", "Store maintenance"),
    pgettext_lazy("default desk", "IT problem"),
    pgettext_lazy("default desk", "Purchase request"),
    pgettext_lazy("default desk", "HR request"),
    pgettext_lazy("default desk", "Maintenance to facilities"),
    pgettext_lazy("default desk", "Field engineers"),
    pgettext_lazy("default desk", "Dispatch"),
    pgettext_lazy("default desk", "Work order"),
    pgettext_lazy("default desk", "Work orders to field engineers"),
    pgettext_lazy("default desk", "Support"),
    pgettext_lazy("default desk", "Request"),
    pgettext_lazy("default desk", "Everything to support"),
    pgettext_lazy("default desk", "Date and time"),
    pgettext_lazy("default desk", "Goods"),
    pgettext_lazy("default desk", "Vehicle plate"),
    pgettext_lazy("default desk", "Loaders"),
    pgettext_lazy("default desk", "Goods: operations"),
    pgettext_lazy("default desk", "How bad"),
    pgettext_lazy("default desk", "It is"),
    pgettext_lazy("default desk", "Temperature, °C"),
    pgettext_lazy("default desk", "Water"),
    pgettext_lazy("default desk", "Works"),
    pgettext_lazy("default desk", "Start"),
    pgettext_lazy("default desk", "Finish"),
    pgettext_lazy("default desk", "Performed by"),
    pgettext_lazy("default desk", "Hot works (welding, cutting)"),
    pgettext_lazy("default desk", "Event date"),
    pgettext_lazy("default desk", "Place in the mall"),
    pgettext_lazy("default desk", "Pass"),
    pgettext_lazy("default desk", "Person or driver"),
    pgettext_lazy("default desk", "Document"),
    pgettext_lazy("default desk", "Valid from"),
    pgettext_lazy("default desk", "Valid to"),
    pgettext_lazy("default desk", "Purpose"),
    pgettext_lazy("default desk", "Goods brought in"),
    pgettext_lazy("default desk", "Vehicle plate matches the request"),
    pgettext_lazy("default desk", "Number of loaders"),
    pgettext_lazy("default desk", "Goods taken out"),
    pgettext_lazy("default desk", "Workplace cleaned"),
    pgettext_lazy("default desk", "Fire safety checked"),
    pgettext_lazy("default desk", "Notes for the next shift"),
    pgettext_lazy("default desk", "What"),
    pgettext_lazy("default desk", "System"),
    pgettext_lazy("default desk", "Items"),
    pgettext_lazy("default desk", "Budget"),
    pgettext_lazy("default desk", "Topic"),
    pgettext_lazy("default desk", "Client's reference"),
    pgettext_lazy("default desk", "New"),
    pgettext_lazy("default desk", "In progress"),
    pgettext_lazy("default desk", "Waiting"),
    pgettext_lazy("default desk", "Resolved"),
    pgettext_lazy("default desk", "Closed"),
    pgettext_lazy("default desk", "Cancelled"),
    pgettext_lazy("default desk", "Take into work"),
    pgettext_lazy("default desk", "Cancel"),
    pgettext_lazy("default desk", "Wait (parts, access, contractor)"),
    pgettext_lazy("default desk", "Resume"),
    pgettext_lazy("default desk", "Resolve"),
    pgettext_lazy("default desk", "Confirm"),
    pgettext_lazy("default desk", "Return for rework"),
    pgettext_lazy("default desk", "Submitted"),
    pgettext_lazy("default desk", "In review"),
    pgettext_lazy("default desk", "Approved"),
    pgettext_lazy("default desk", "Rejected"),
    pgettext_lazy("default desk", "Completed"),
    pgettext_lazy("default desk", "Withdrawn"),
    pgettext_lazy("default desk", "Start review"),
    pgettext_lazy("default desk", "Withdraw"),
    pgettext_lazy("default desk", "Approve"),
    pgettext_lazy("default desk", "Reject"),
    pgettext_lazy("default desk", "Complete"),
    pgettext_lazy("default desk", "Close"),
    pgettext_lazy("default desk", "Pending approval"),
    pgettext_lazy("default desk", "Needs rework"),
    pgettext_lazy("default desk", "Approved with remarks"),
    pgettext_lazy("default desk", "Assigned"),
    pgettext_lazy("default desk", "On hold"),
    pgettext_lazy("default desk", "Done"),
    pgettext_lazy("default desk", "Declined"),
    pgettext_lazy("default desk", "Assign"),
    pgettext_lazy("default desk", "Decline"),
    pgettext_lazy("default desk", "Hold"),
    pgettext_lazy("default desk", "Return"),
    pgettext_lazy("default desk", "Incident"),
    pgettext_lazy("default desk", "Request with review"),
    pgettext_lazy("default desk", "Request with approval"),
)


def translations(language: str) -> dict[str, str]:
    """English default name -> its name in `language` (only those that differ)."""
    with translation.override("en"):
        english = [str(name) for name in NAMES]
    with translation.override(language):
        local = [str(name) for name in NAMES]
    return {en: loc for en, loc in zip(english, local, strict=True) if en != loc}


def default_name(english: str, language: str) -> str:
    """What a default name (its English) is called in an account of `language` (the demo looks
    default rows up by it)."""
    return translations(language).get(english, english)
