"""Live progress of a run, for the page's Server-Sent Events stream.

Every event of the current leg is kept, so a subscriber that arrives late
replays from the start. A leg ends when the run finishes or pauses for
approval; after that the stream is rebuilt from the database (app/agent/replay.py).
"""
import asyncio

TERMINAL = ("run_finished", "waiting_for_approval")


class EventBus:
    def __init__(self, on_publish=None):
        self.history: list[dict] = []
        self.subscribers: set[asyncio.Queue] = set()
        self.on_publish = on_publish  # e.g. the CLI printing steps as they happen

    def publish(self, event_type: str, **data) -> None:
        event = {"type": event_type, **data}
        self.history.append(event)
        for queue in self.subscribers:
            queue.put_nowait(event)
        if self.on_publish:
            self.on_publish(event)

    @property
    def ended(self) -> bool:
        """Whether the leg's last event has been published."""
        return bool(self.history) and self.history[-1]["type"] in TERMINAL

    async def follow(self):
        """Everything published so far, then live events until the leg ends."""
        queue: asyncio.Queue = asyncio.Queue()
        for event in self.history:
            queue.put_nowait(event)
        self.subscribers.add(queue)
        try:
            while True:
                event = await queue.get()
                yield event
                if event["type"] in TERMINAL:
                    return
        finally:
            self.subscribers.discard(queue)
