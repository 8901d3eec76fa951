"""The action catalogue: one module per service, all registered in TOOLS.

Later connectors (Microsoft 365, Slack, Jira) are added to this table.
"""
import importlib

SERVICE_MODULES = {
    "gmail": "app.tools.gmail",
    "calendar": "app.tools.calendar",
    "drive": "app.tools.drive",
    "docs": "app.tools.docs",
    "tasks": "app.tools.tasks",
    "contacts": "app.tools.contacts",
}


def load_catalogue() -> dict:
    """Import every service module (registering its tools) and return the registry."""
    from app.tools.registry import TOOLS

    for dotted in SERVICE_MODULES.values():
        importlib.import_module(dotted)
    return TOOLS
