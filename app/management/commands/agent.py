"""python manage.py agent "task": the same agent loop, in the terminal.

It prints each step as it happens and asks y/n before anything that needs
approval. It works on the bundled workspace sandbox unless given the session
key of a browser session that connected a real Google account: a session's
grant is only ever used with the Google, or the sandbox, that gave it.
"""
import asyncio
import json

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError

from app import connection
from app.agent import claude, service
from app.agent.runs import registry
from app.models import Action, Run


class Command(BaseCommand):
    help = "Carry out a task in the connected Google Workspace, asking before anything outbound."

    def add_arguments(self, parser):
        parser.add_argument("task", nargs="?", help="what to do (left out with --resume)")
        parser.add_argument("--no-sandbox", action="store_true",
                            help="use a real Google connection (needs --session)")
        parser.add_argument("--session", help="key of a browser session whose Google connection to use")
        parser.add_argument("--conversation", help="continue this conversation (of the same --session)")
        parser.add_argument("--resume", metavar="RUN_ID",
                            help="carry on a task that was cut off, or decide on one that waits (of the same --session)")

    def handle(self, *args, **options):
        if not claude.is_configured():
            raise CommandError("No Anthropic API key is set. Set ANTHROPIC_API_KEY.")
        if bool(options["task"]) == bool(options["resume"]):
            raise CommandError('Give a task ("…") or --resume <run id>, not both.')
        if options["no_sandbox"] and not options["session"]:
            raise CommandError("--no-sandbox needs --session <key> of a browser session connected to Google.")
        session = SessionStore(session_key=options["session"])
        settings.WORKSPACE_SANDBOX = self.on_sandbox(session, options)
        if not connection.is_configured():
            raise CommandError("Google needs its OAuth client here too: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET "
                               "as the server has them.")
        ctx = connection.context_for_session(session)
        if ctx is None:
            raise CommandError("That session has no Google connection. Connect Google in the browser first.")
        session.save()
        registry.observer = self.show
        try:
            self.converse(session.session_key, ctx, connection.account(session), options)
        finally:
            registry.observer = None

    @staticmethod
    def on_sandbox(session, options) -> bool:
        """The sandbox, unless the session named is connected to Google: then Google, whatever the flags say,
        since a Google grant sent to the sandbox is refused, and the refusal would end the connection."""
        if not options["session"]:
            return True
        origin = connection.from_sandbox(session)
        if origin is None:  # not connected, or connected before the origin was recorded: as the server runs
            return settings.WORKSPACE_SANDBOX and not options["no_sandbox"]
        if origin and options["no_sandbox"]:
            raise CommandError("That session is connected to the workspace sandbox, not to Google: leave out --no-sandbox.")
        return origin

    def converse(self, session_key: str, ctx, account, options) -> None:
        email, connected_at = account
        # Conversations and runs belong to a session: the next command names this one to reach them.
        again = f"{'' if settings.WORKSPACE_SANDBOX else '--no-sandbox '}--session {session_key}"
        # One event loop for the whole command, idle while a question waits for its answer: Ctrl-C at the
        # question ends the command at once (asked on a thread, it left the loop waiting for that thread).
        with asyncio.Runner() as loop:
            try:
                run = loop.run(self.begin(session_key, ctx, email, connected_at, options))
                while run.status == Run.Status.NEEDS_APPROVAL:
                    decisions = self.ask_approvals(run)
                    if decisions is None:
                        raise CommandError(f"Nothing was decided; the task waits for your decision. Decide with: "
                                           f"manage.py agent {again} --resume {run.id}")
                    approve, reject = decisions
                    run = loop.run(service.decide(session_key=session_key, ctx=ctx, approve=approve, reject=reject,
                                                  email=email, connected_at=connected_at))
            except service.InvalidRequest as exc:
                raise CommandError(str(exc)) from None
        if run.status == Run.Status.INTERRUPTED:
            raise CommandError(f"{run.error} Resume it with: manage.py agent {again} --resume {run.id}")
        if run.status == Run.Status.RUNNING:
            raise CommandError(f"Another server process carries this task on; its result will be in conversation "
                               f"{run.conversation_id}.")
        self.stdout.write("\n" + (run.reply or run.error))
        self.stdout.write(f"\n(conversation {run.conversation_id}, {run.model_calls} model calls; to go on with it: "
                          f"manage.py agent {again} --conversation {run.conversation_id} \"…\")")

    @staticmethod
    async def begin(session_key: str, ctx, email, connected_at, options) -> Run:
        if not options["resume"]:
            return await service.start_task(session_key=session_key, ctx=ctx, task=options["task"],
                                            conversation_id=options["conversation"], email=email)
        try:
            return await service.resume(session_key=session_key, ctx=ctx, run_id=options["resume"], email=email,
                                        connected_at=connected_at)
        except service.InvalidRequest as exc:
            if exc.details.get("run", {}).get("status") != Run.Status.NEEDS_APPROVAL:
                raise
            return await Run.objects.aget(id=options["resume"])  # this session's, waiting: its cards are asked again

    def ask_approvals(self, run: Run) -> tuple[list[str], list[str]] | None:
        """y/n on each card; None when input ends (or Ctrl-C) first: then nothing is decided, the cards wait."""
        approve, reject = [], []
        for action in run.actions.filter(status=Action.Status.PENDING):
            self.stdout.write(f"\n{action.tool} ({action.effect}) wants to do:")
            self.stdout.write(json.dumps(action.input, indent=2, ensure_ascii=False))
            if action.preview:  # names for the ids above: what will really be touched
                self.stdout.write(json.dumps(action.preview, indent=2, ensure_ascii=False))
            try:
                answer = input("Approve? [y/N] ")
            except (EOFError, KeyboardInterrupt):
                self.stdout.write("")  # the question's line ends
                return None
            (approve if answer.strip().lower() in ("y", "yes") else reject).append(action.id)
        return approve, reject

    def show(self, event: dict) -> None:
        kind = event["type"]
        if kind == "thinking":
            self.stdout.write(f"… thinking (step {event['step']})")
        elif kind == "step_started":
            self.stdout.write(f"→ {event['line']}")
        elif kind == "step_finished":
            outcome = event["summary"] or event["status"]
            self.stdout.write(f"  {outcome}{' — ' + event['error'] if event['error'] else ''}")
