"""POST /get_response: carry out a task, or decide on actions a run waits for.

The view only checks the request, finds the person's workspace connection and
calls one agent service; the run itself is owned by the run registry and
survives this request.
"""
import json
import logging
from typing import Annotated

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.db import Error as AnyDatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.views import View
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from app import connection
from app.agent import claude, prompt, service
from app.agent.payload import response_json
from app.models import Run, uuid_hex
from app.views.errors import JsonMethodNotAllowed

log = logging.getLogger(__name__)
TEXT_LIMIT = 20_000
DATABASE_TROUBLE = ("The database could not be read or written just now. The conversation and everything done so "
                    "far are kept: reload it in a moment to see where this stands, then send again what is missing.")
LOGIN_URL = "/oauth2/login/"


def no_nul(value: str) -> str:
    # JSON allows \u0000 but PostgreSQL text cannot hold it (it would answer with a 500).
    if "\x00" in value:
        raise ValueError("must not contain NUL characters (\\u0000)")
    return value


Text = Annotated[str, StringConstraints(max_length=TEXT_LIMIT), AfterValidator(no_nul)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(no_nul)]
RunId = Annotated[str, StringConstraints(max_length=64), AfterValidator(uuid_hex)]
SeedField = Text | Annotated[list[Text], Field(max_length=200)] | None


class TaskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    task: Text | None = None
    conversation_id: Id | None = None
    run_id: RunId | None = None  # chosen by the client, so it can follow the run's events at once
    approve: Annotated[list[Id], Field(max_length=100)] = []
    reject: Annotated[list[Id], Field(max_length=100)] = []
    reason: Text = ""
    resume: RunId | None = None
    already_done: SeedField = None
    workspace_content: SeedField = None
    prompt_history: SeedField = None
    current_service_url: Text | None = None
    service_history: SeedField = None

    def seed_fields(self) -> dict:
        return self.model_dump(include=set(prompt.SEED_FIELDS), exclude_none=True)


class GetResponseView(JsonMethodNotAllowed, View):
    http_method_names = ["post"]

    async def post(self, request):
        try:
            body = parse(request)
        except service.InvalidRequest as exc:
            return error(exc)
        if not claude.is_configured():
            return JsonResponse({"error": "No Anthropic API key is set. Set ANTHROPIC_API_KEY and restart."}, status=503)
        try:
            return await _carry_out(request, body)
        except service.InvalidRequest as exc:
            return error(exc)
        except AnyDatabaseError:
            # Locked past the busy timeout, or the connection lost: passing trouble, not the request's fault.
            log.exception("The database failed during POST /get_response")
            return JsonResponse({"error": DATABASE_TROUBLE}, status=503)


async def _carry_out(request, body: TaskRequest) -> JsonResponse:
    ctx, session_key, account = await _connection(request)
    if ctx is None:
        return JsonResponse({"error": "Connect your Google Workspace first.", "login_url": LOGIN_URL}, status=401)
    since = timezone.now()
    run = await _dispatch(body, ctx, session_key, *account)
    return await _respond(run, since)


def parse(request) -> TaskRequest:
    if request.content_type != "application/json":
        raise service.InvalidRequest("Content-Type", "send the request as application/json", 415)
    try:
        raw = json.loads(request.body)
    except RequestDataTooBig:
        raise service.InvalidRequest("body", "the request is too large", 413) from None
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise service.InvalidRequest("body", "not valid JSON") from None
    if not isinstance(raw, dict):
        raise service.InvalidRequest("body", "expected a JSON object")
    try:
        body = TaskRequest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "body"
        raise service.InvalidRequest(field, first["msg"]) from None
    decisions = body.approve or body.reject or body.resume
    if decisions and body.task is not None:
        raise service.InvalidRequest("task", "send either a task or decisions (approve, reject, resume), not both")
    if body.resume and (body.approve or body.reject):
        raise service.InvalidRequest("resume", "send either resume or decisions (approve, reject), not both; "
                                               "a decision carries its task on by itself")
    if decisions and body.run_id:
        raise service.InvalidRequest("run_id", "only a new task starts a run; decisions carry on the run they belong to")
    if not decisions and not (body.task or "").strip():
        raise service.InvalidRequest("task", "say what you would like done")
    return body


async def _dispatch(body: TaskRequest, ctx, session_key: str, email: str | None, connected_at) -> Run:
    if body.resume:
        return await service.resume(session_key=session_key, ctx=ctx, run_id=body.resume, email=email,
                                    connected_at=connected_at)
    if body.approve or body.reject:
        return await service.decide(session_key=session_key, ctx=ctx, approve=body.approve, reject=body.reject,
                                    reason=body.reason, email=email, connected_at=connected_at)
    return await service.start_task(session_key=session_key, ctx=ctx, task=body.task.strip(), run_id=body.run_id,
                                    conversation_id=body.conversation_id, extra=body.seed_fields(), email=email)


async def _respond(run: Run, since) -> JsonResponse:
    actions = [action async for action in run.actions.all()]
    payload = response_json(run, actions, since)
    if run.status == Run.Status.INTERRUPTED:
        # Claude stayed unreachable: everything done so far is kept and the run can be resumed.
        return JsonResponse({**payload, "error": run.error, "resume": run.id}, status=503)
    return JsonResponse(payload)


@sync_to_async
def _connection(request):
    """The tools' context, a session key that owns the conversation, and the account (connection.account)."""
    ctx = connection.context_for_session(request.session)
    if request.session.session_key is None:
        request.session.save()
    return ctx, request.session.session_key, connection.account(request.session)


def error(exc: service.InvalidRequest) -> JsonResponse:
    return JsonResponse({"error": str(exc), **exc.details}, status=exc.status)
