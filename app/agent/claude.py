"""The one place that talks to Claude (Messages API, native tool use)."""
import anthropic
from django.conf import settings

from app.agent.prompt import system_blocks, tool_definitions

MAX_TOKENS = 4096


class ClaudeUnavailable(Exception):
    """Claude could not be reached or refused us; the run can be resumed later."""


def is_configured() -> bool:
    return bool(settings.ANTHROPIC_API_KEY)


def client() -> anthropic.AsyncAnthropic:
    # One client per run: an async HTTP pool belongs to the event loop that made it.
    return anthropic.AsyncAnthropic(
        api_key=settings.ANTHROPIC_API_KEY,
        base_url=settings.ANTHROPIC_BASE_URL or None,
        max_retries=settings.ANTHROPIC_MAX_RETRIES,
    )


async def ask(claude: anthropic.AsyncAnthropic, messages: list[dict]):
    """One model turn; the SDK retries 429/5xx and connection errors itself."""
    try:
        return await claude.messages.create(
            model=settings.ANTHROPIC_MODEL,
            max_tokens=MAX_TOKENS,
            system=system_blocks(),
            tools=tool_definitions(),
            messages=messages,
        )
    except anthropic.APIStatusError as exc:
        raise ClaudeUnavailable(f"Claude answered {exc.status_code} after retrying: {_message(exc)}") from None
    except anthropic.APIConnectionError:
        raise ClaudeUnavailable("Claude could not be reached after retrying.") from None


def _message(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return error.get("message") or exc.message
