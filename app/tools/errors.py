"""Turn Google API errors into short messages a person can act on."""

from googleapiclient.errors import HttpError

from app.google_api import RATE_LIMIT_REASONS, error_details
from app.scopes import SERVICE_LABELS
from app.tools.registry import ToolError


def explain(error: HttpError, service: str) -> ToolError:
    label = SERVICE_LABELS.get(service, service.title())
    status = error.status_code
    reason, message = error_details(error)
    message = message.strip().rstrip(".")  # each sentence below ends with its own period
    if status == 401:
        return ToolError(f"Google did not accept the sign-in for {label}. Reconnect Google and try again.")
    if missing_scope(error):
        return ToolError(f"{label} access was not granted — reconnect Google and allow {label}.")
    if status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS):
        return ToolError(f"{label} is rate limiting requests; try again in a minute.")
    if status == 403:
        return ToolError(f"{label} refused this: {message or 'permission denied'}.")
    if status == 404:
        return ToolError(f"{label} found nothing with that id ({message or 'not found'}). Search again for the right id.")
    if status >= 500:
        return ToolError(f"{label} is having trouble right now ({status}); try again shortly.")
    return ToolError(f"{label} rejected the request: {message or status}.")


def missing_scope(error: HttpError) -> bool:
    """Whether Google refused because the person did not grant the scope this needs (not a rate limit
    or a sharing refusal, which are 403s too)."""
    reason, message = error_details(error)
    return (error.status_code == 403 and "scope" in message.lower()
            and reason in ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "PERMISSION_DENIED"))


def unreachable(error: Exception, service: str) -> ToolError:
    """A timeout or a dropped connection: the request may have reached Google before it broke."""
    label = SERVICE_LABELS.get(service, service.title())
    return ToolError(f"{label} could not be reached ({type(error).__name__}). If this was a change, check whether "
                     "it happened before trying again.")
