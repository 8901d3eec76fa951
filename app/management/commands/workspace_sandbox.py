"""python manage.py workspace_sandbox --port 8765 --seed demo|empty|FILE.json"""
from django.core.management.base import BaseCommand, CommandError

from app.sandbox.server import SandboxServer


class Command(BaseCommand):
    help = "Serve the Google Workspace sandbox (a local Google API emulator) on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--seed", default="demo", help="demo, empty, or a path to a seed JSON file")

    def handle(self, *args, port, host, seed, **options):
        try:
            server = SandboxServer(seed, host=host, port=port)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Workspace sandbox on {server.url} (seed: {seed}).")
        self.stdout.write(f"Point the app at it with GOOGLE_API_ENDPOINT={server.url}; control API at {server.url}/_sandbox/state")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.stop()
