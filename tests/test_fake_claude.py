"""The fake Claude refuses what the real Messages API refuses.

The agent tests trust the fake to catch a transcript built wrong; if it let
one through, the agent would pass here and fail against Anthropic. The real
SDK must see each refusal as the 400 it raises in production.
"""
import anthropic
import pytest

from tests.fake_claude import text, tool_use

SEARCH = {"name": "gmail_search", "description": "Search mail.", "input_schema": {"type": "object", "properties": {}}}
USE = tool_use("gmail_search", {"query": "report"}, id="toolu_asked")


@pytest.fixture
def claude(fake_claude):
    """The SDK pointed at the fake, which answers every request it accepts."""
    fake_claude.default = lambda _request: [text("ok")]
    return anthropic.Anthropic(base_url=fake_claude.url, api_key="x", max_retries=0)


def ask(claude, messages, tools=(SEARCH,)):
    return claude.messages.create(model="claude-test", max_tokens=100, tools=list(tools), messages=messages)


def refusal(claude, messages, tools=(SEARCH,)) -> str:
    with pytest.raises(anthropic.BadRequestError) as refused:
        ask(claude, messages, tools)
    assert refused.value.status_code == 400
    return refused.value.body["error"]["message"]


def result(tool_use_id: str) -> dict:
    return {"type": "tool_result", "tool_use_id": tool_use_id, "content": "{}"}


def test_a_well_formed_tool_round_trip_is_answered(claude):
    messages = [{"role": "user", "content": "Find the report"}, {"role": "assistant", "content": [USE]},
                {"role": "user", "content": [result("toolu_asked")]}]

    assert ask(claude, messages).content[0].text == "ok"


def test_tool_use_without_its_result_in_the_next_message_is_refused(claude):
    messages = [{"role": "user", "content": "Find the report"}, {"role": "assistant", "content": [USE]},
                {"role": "user", "content": [text("never mind")]}]

    assert "toolu_asked" in refusal(claude, messages)


def test_result_for_a_tool_use_never_asked_is_refused(claude):
    messages = [{"role": "user", "content": "Find the report"}, {"role": "assistant", "content": [USE]},
                {"role": "user", "content": [result("toolu_asked"), result("toolu_invented")]}]

    assert "toolu_invented" in refusal(claude, messages)


def test_a_tool_use_id_used_twice_in_the_request_is_refused(claude):
    again = tool_use("gmail_search", {"query": "memo"}, id="toolu_asked")
    messages = [{"role": "user", "content": "Find the report"}, {"role": "assistant", "content": [USE]},
                {"role": "user", "content": [result("toolu_asked")]}, {"role": "assistant", "content": [again]},
                {"role": "user", "content": [result("toolu_asked")]}]

    assert refusal(claude, messages) == "messages.3.content.0: `tool_use` ids must be unique"


def test_empty_text_block_is_refused(claude):
    messages = [{"role": "user", "content": "Find the report"}, {"role": "assistant", "content": [text("  ")]},
                {"role": "user", "content": "Go on"}]

    assert "non-empty" in refusal(claude, messages)


@pytest.mark.parametrize("name", ["gmail.search", "gmail search", "", "t" * 65])
def test_tool_name_outside_the_allowed_pattern_is_refused(claude, name):
    tool = {**SEARCH, "name": name}

    assert "does not match" in refusal(claude, [{"role": "user", "content": "hi"}], tools=[tool])


def test_two_tools_with_one_name_are_refused(claude):
    assert "unique" in refusal(claude, [{"role": "user", "content": "hi"}], tools=[SEARCH, SEARCH])


def test_request_without_max_tokens_is_refused(claude):
    # The SDK will not send a request without max_tokens, so post the body as it is.
    with pytest.raises(anthropic.BadRequestError) as refused:
        claude.post("/v1/messages", cast_to=anthropic.types.Message,
                    body={"model": "claude-test", "messages": [{"role": "user", "content": "hi"}]})

    assert "max_tokens" in refused.value.body["error"]["message"]


def test_more_than_four_cache_marks_are_refused(claude):
    marked = [{**SEARCH, "name": f"tool_{n}", "cache_control": {"type": "ephemeral"}} for n in range(4)]
    message = {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]}

    assert ask(claude, [{"role": "user", "content": "hi"}], tools=marked).content[0].text == "ok"
    assert refusal(claude, [message], tools=marked) == "A maximum of 4 blocks with cache_control may be provided. Found 5."
