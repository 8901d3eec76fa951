"""The one place that talks to Claude (Messages API, native tool use)."""
import asyncio
import weakref

import anthropic
from django.conf import settings

from app.agent.prompt import cached_up_to_here, system_blocks, tool_definitions

# Room for a long document in one call; a call cut off by it is not run (loop.CUT_OFF). Past 8192 the
# SDK asks for streaming with some models, which these short turns do not need.
MAX_TOKENS = 8192
_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = weakref.WeakKeyDictionary()


class ClaudeUnavailable(Exception):
    """Claude could not be reached, was overloaded or rate-limited us; the run can be resumed later."""


class ClaudeRefused(Exception):
    """Claude rejected the request itself (e.g. the prompt is too long): sent again, it would be rejected again."""

    def __init__(self, status: int, message: str):
        super().__init__(f"Claude refused this request ({status}): {message}")
        self.message = message


# What passes: a timeout, a rate limit, Claude's own trouble (500, 529 overloaded), and settings Claude
# refuses, which corrected settings and a resume get past: the key (401, 403), the model (404).
# Any other 4xx is about the request.
SETTING_REFUSED = {401: "ANTHROPIC_API_KEY", 403: "ANTHROPIC_API_KEY", 404: "ANTHROPIC_MODEL"}


def passing(status: int) -> bool:
    return status in (408, 429, *SETTING_REFUSED) or status >= 500


def is_configured() -> bool:
    return bool(settings.ANTHROPIC_API_KEY)


def client() -> anthropic.AsyncAnthropic:
    """The client shared by all runs on this event loop.

    Making one costs tens of milliseconds of CPU (TLS setup) on the loop, which
    would serialise concurrent runs; its connection pool belongs to the loop
    that created it, hence one per loop (and per setting, which tests change).
    """
    key = (settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ANTHROPIC_MAX_RETRIES)
    clients = _clients.setdefault(asyncio.get_running_loop(), {})
    if key not in clients:
        clients[key] = anthropic.AsyncAnthropic(api_key=key[0], base_url=key[1] or None, max_retries=key[2])
    return clients[key]


async def ask(claude: anthropic.AsyncAnthropic, messages: list[dict]):
    """One model turn; the SDK retries 408/429/5xx and connection errors itself."""
    try:
        return await claude.messages.create(
            model=settings.ANTHROPIC_MODEL,
            max_tokens=MAX_TOKENS,
            system=system_blocks(),
            tools=tool_definitions(),
            messages=cached_up_to_here(messages),
        )
    except anthropic.APIStatusError as exc:
        if not passing(exc.status_code):
            raise ClaudeRefused(exc.status_code, _message(exc)) from None
        if setting := SETTING_REFUSED.get(exc.status_code):
            raise ClaudeUnavailable(f"Claude refused the server's {setting} ({exc.status_code}: {_message(exc)}). "
                                    f"Set a valid {setting} and restart; the task can then be resumed.") from None
        raise ClaudeUnavailable(f"Claude answered {exc.status_code} after retrying: {_message(exc)}") from None
    except anthropic.APIConnectionError:
        raise ClaudeUnavailable("Claude could not be reached after retrying.") from None


def _message(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return error.get("message") or exc.message
