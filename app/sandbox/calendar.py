"""Sandbox emulation of the calendar API (being written)."""
from app.sandbox.routing import Router

router = Router("calendar")


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox

    def dump(self) -> dict:
        return {}
