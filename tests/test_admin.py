"""The admin shows the audit trail (conversations, runs, actions) and cannot change or delete it."""
import pytest

from app.models import Action, Conversation, Run

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail():
    conversation = Conversation.objects.create(session_key="s" * 32, title="Share the Q3 report")
    run = Run.objects.create(conversation=conversation, task="Share the Q3 report with Bob", status=Run.Status.DONE)
    action = Action.objects.create(run=run, tool_use_id="toolu_1", tool="drive_share", effect="outbound",
                                   status=Action.Status.DONE, summary="Shared Q3 report with bob@acme.example")
    return {"conversation": conversation, "run": run, "action": action}


def counts() -> tuple[int, int, int]:
    return Conversation.objects.count(), Run.objects.count(), Action.objects.count()


@pytest.mark.parametrize("kind", ["conversation", "run", "action"])
def test_not_even_a_superuser_can_delete_the_audit_trail_in_the_admin(admin_client, trail, kind):
    row = trail[kind]
    changelist = f"/admin/app/{kind}/"

    listed = admin_client.get(changelist)
    bulk = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    one = admin_client.post(f"{changelist}{row.pk}/delete/", {"post": "yes"})

    assert counts() == (1, 1, 1)
    assert bulk.status_code in (200, 302) and one.status_code == 403
    assert listed.status_code == 200 and "delete_selected" not in listed.content.decode()
