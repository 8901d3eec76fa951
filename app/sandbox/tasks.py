"""Sandbox emulation of the tasks API (being written)."""
from app.sandbox.routing import Router

router = Router("tasks")


class State:
    def __init__(self, sandbox, seed: dict):
        self.sandbox = sandbox

    def dump(self) -> dict:
        return {}
