"""What a tool gets besides its arguments: the person's Google credentials.

It is the reserved first parameter of every tool, left out of the schema, so
the model can never see or fill it.
"""
from dataclasses import dataclass, field

from app import google_api


@dataclass
class Context:
    credentials: object  # google.oauth2.credentials.Credentials
    api_root: str | None = None  # the sandbox's URL, or None for Google itself
    cache: dict = field(default_factory=dict)  # per-run memo, e.g. the user's time zone
    # The access token as the session holds it: one google-auth refreshes meanwhile (while a task is
    # prepared or run) differs from it, and is then written back to the session.
    stored_token: str | None = None

    def service(self, name: str):
        return google_api.build_service(name, self.credentials, self.api_root)

    def link(self, kind: str, item_id: str, google_url: str) -> str:
        """Where the person opens an item: in the sandbox its viewer (Google's pages know nothing
        of sandbox items), else google_url."""
        if self.api_root:
            return f"{self.api_root.rstrip('/')}/_sandbox/open/{kind}/{item_id}"
        return google_url
