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


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def crashing(request, monkeypatch, settings, sandbox):
    """Every view crashes on an unexpected error; a client that gets the error page rather than the exception."""
    from app import connection
    from app.agent import service

    settings.DEBUG = request.param
    for module, name in ((service, "start_task"), (connection, "status")):
        monkeypatch.setattr(module, name, lambda *a, **k: 1 / 0)
    client = Client(raise_request_exception=False)
    client.get("/")
    return client


def test_a_crash_on_the_api_is_a_json_500_and_its_traceback_is_logged(crashing, caplog):
    answer = crashing.post("/get_response", {"task": "hi"}, content_type="application/json")
    assert answer.status_code == 500
    assert answer.json()["error"] == "Something went wrong on our side; the error was logged."
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_a_crash_on_a_page_keeps_the_html_500(crashing):
    answer = crashing.get("/")
    assert answer.status_code == 500
    assert answer["Content-Type"].startswith("text/html")
