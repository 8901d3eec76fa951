"""JSON clients get JSON errors, never an HTML page or a 500."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_missing_csrf_token_is_a_json_403_saying_how_to_get_one():
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/get_response", {"task": "hi"}, content_type="application/json")
    assert answer.status_code == 403
    assert "X-CSRFToken" in answer.json()["error"]


def test_wrong_method_on_the_api_is_a_json_405():
    answer = Client().get("/get_response")
    assert answer.status_code == 405
    assert answer["Allow"] == "POST"
    assert "POST" in answer.json()["error"]


def test_unknown_api_url_is_a_json_404(settings):
    settings.DEBUG = False
    answer = Client().get("/conversations/x/y/z")
    assert answer.status_code == 404
    assert answer.json()["error"].startswith("No such endpoint")


def test_absurdly_nested_json_is_a_400_not_a_500(sandbox):
    client = Client()
    client.get("/")
    answer = client.post("/get_response", "[" * 100_000, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("body:")


def test_admin_does_not_show_session_keys():
    from app.models import Conversation

    conversation = Conversation.objects.create(session_key="k" * 32, title="Alice's task")
    User.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.login(username="root", password="pw")
    page = client.get(f"/admin/app/conversation/{conversation.pk}/change/")
    assert page.status_code == 200
    assert b"k" * 32 not in page.content
    assert "Content-Security-Policy" in page.headers
