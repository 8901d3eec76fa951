"""Claude busy or down: the SDK retries, then a 503 that keeps everything done so far."""
import pytest

from tests.fake_claude import text, tool_use


@pytest.mark.parametrize("status", [429, 529, 500])
def test_a_passing_failure_is_retried(alice, fake_claude, status):
    fake_claude.fail(status)
    fake_claude.reply(text("Done after a hiccup."))

    body = alice.ask("Hi")

    assert body["reply"] == "Done after a hiccup."
    assert fake_claude.calls == 2


@pytest.mark.parametrize("status", [429, 529, 500])
def test_claude_down_after_retries_gives_503_and_keeps_the_conversation(alice, fake_claude, status):
    fake_claude.fail(status, times=3)  # the first call and both retries

    response = alice.post({"task": "Hi"})

    assert response.status_code == 503
    body = response.json()
    assert str(status) in body["error"]
    kept = alice.get(f"/conversations/{body['conversation_id']}").json()
    assert kept["runs"][0]["task"] == "Hi" and kept["runs"][0]["status"] == "interrupted"


def test_work_done_before_claude_went_down_is_kept_and_the_run_resumes(alice, fake_claude, sandbox):
    fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    fake_claude.fail(529, times=3)

    failed = alice.post({"task": "What did Bob send?"}).json()

    assert failed["actions"][0]["status"] == "done"
    fake_claude.reply(text("Bob sent one email."))
    resumed = alice.post({"resume": failed["run_id"]}).json()
    assert resumed["status"] == "done" and resumed["reply"] == "Bob sent one email."
    assert len(resumed["actions"]) == 1  # the search is not repeated


@pytest.mark.parametrize("status", [400, 413])
def test_a_request_claude_rejects_fails_the_task_with_claudes_reason_and_keeps_its_work(
        alice, fake_claude, sandbox, status):
    fake_claude.reply(tool_use("gmail_search", {"query": "from:bob", "limit": 1}))
    fake_claude.fail(status)  # e.g. 400 "prompt is too long": sent again, it would fail again

    response = alice.post({"task": "Summarise what Bob sent"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed" and "resume" not in body
    assert body["error"] == f"Claude refused this request ({status}): scripted failure"
    assert body["reply"].startswith("Claude could not take this task on: scripted failure.")
    assert fake_claude.calls == 2  # not retried
    kept = alice.get(f"/conversations/{body['conversation_id']}").json()["runs"][0]
    assert kept["status"] == "failed" and kept["actions"][0]["status"] == "done"


@pytest.mark.parametrize("status, setting", [(401, "ANTHROPIC_API_KEY"), (404, "ANTHROPIC_MODEL")])
def test_a_setting_claude_refuses_gives_503_naming_it_and_the_task_resumes_once_it_is_set_right(
        alice, fake_claude, status, setting):
    fake_claude.fail(status)  # a revoked key, a model name that does not exist; the SDK does not retry them

    refused = alice.post({"task": "Hi"})

    assert refused.status_code == 503
    assert refused.json()["error"].startswith(f"Claude refused the server's {setting} ({status}: scripted failure). "
                                              f"Set a valid {setting}")
    fake_claude.reply(text("Hello."))
    resumed = alice.post({"resume": refused.json()["run_id"]})
    assert resumed.status_code == 200 and resumed.json()["reply"] == "Hello."
