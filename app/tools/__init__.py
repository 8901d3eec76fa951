"""The action catalogue: a module per service (or a few), all registered in TOOLS.

Later connectors (Microsoft 365, Slack, Jira) are added to this table.
"""
import importlib
from contextlib import contextmanager

from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.errors import HttpError

from app import google_api

RECONNECT = "Google no longer accepts this connection. Reconnect Google to continue."
SIGN_IN_UNAVAILABLE = ("Google's sign-in service could not renew access just now (it is having trouble); the "
                       "connection is kept. Try again in a few minutes.")

# The modules that register tools, a service's tools in one module or a few (drive_sharing).
TOOL_MODULES = (
    "app.tools.gmail",
    "app.tools.calendar",
    "app.tools.drive",
    "app.tools.drive_sharing",
    "app.tools.docs",
    "app.tools.sheets",
    "app.tools.tasks",
    "app.tools.contacts",
)


def load_catalogue() -> dict:
    """Import every service module (registering its tools) and return the registry."""
    from app.tools.registry import TOOLS

    for dotted in TOOL_MODULES:
        importlib.import_module(dotted)
    return TOOLS


def get_tool(name: str):
    from app.tools.registry import ToolError

    tool = load_catalogue().get(name)
    if tool is None:
        raise ToolError(f'tool "{name}" does not exist')
    return tool


@contextmanager
def readable_google_errors(service: str):
    """Google's failures as ToolErrors a person can act on, wherever a tool talks to Google."""
    from app.tools.errors import explain, unreachable
    from app.tools.registry import ReconnectRequired, ToolError

    try:
        yield
    except HttpError as error:
        raise explain(error, service) from None
    except RefreshError as error:
        # google-auth marks a 5xx or "temporarily_unavailable" from the token endpoint retryable: an outage at
        # Google, not a refused grant (invalid_grant), so the grant is kept rather than dropped.
        if error.retryable:
            raise ToolError(SIGN_IN_UNAVAILABLE) from None
        raise ReconnectRequired(RECONNECT) from None
    except google_api.TRANSPORT_ERRORS + (TransportError,) as error:  # timeouts, resets, DNS
        raise unreachable(error, service) from None


def invoke(name: str, ctx, raw_args) -> dict:
    """Validate and run one tool; every failure becomes a ToolError with a readable message."""
    tool = get_tool(name)
    args = tool.validate(raw_args)
    with readable_google_errors(tool.service):
        return tool(ctx, **args)


def review(name: str, ctx, raw_args):
    """Validate one call and work out, before it runs, its effect, exact arguments and preview."""
    tool = get_tool(name)
    args = tool.validate(raw_args)
    with readable_google_errors(tool.service):
        return tool.review(ctx, args)
