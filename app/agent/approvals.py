"""Which actions wait for the person, and claiming a decision exactly once.

The gate is in code, by the effect of the concrete call, so a model talked
into sending mail by a planted instruction still stops here.
"""
from django.conf import settings

from app.models import Action

GATED = {
    "outbound": {"outbound", "destructive"},
    "all": {"write", "outbound", "destructive"},
    "none": set(),
}


def needs_approval(effect: str) -> bool:
    return effect in GATED[settings.AGENT_APPROVAL]


def approve(action_ids: list[str]) -> int:
    """Claim pending actions for execution; a repeated or concurrent approve claims nothing."""
    return Action.objects.filter(id__in=action_ids, status=Action.Status.PENDING).update(status=Action.Status.APPROVED)


def reject(action_ids: list[str], reason: str) -> int:
    message = f"Rejected by the person: {reason.strip() or 'no reason given'}"
    return Action.objects.filter(id__in=action_ids, status=Action.Status.PENDING).update(
        status=Action.Status.REJECTED, error=message
    )
