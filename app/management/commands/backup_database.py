"""python manage.py backup_database PATH: a consistent copy of the SQLite database, taken live."""
import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = ("Copy the SQLite database (conversations, runs, the audit trail of actions, sessions) to PATH while "
            "the server runs. For PostgreSQL use pg_dump.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="where the copy goes; an existing file is not overwritten")

    def handle(self, *args, path, **options):
        if connection.vendor != "sqlite":
            raise CommandError(f"The database is {connection.vendor}: back it up with its own tools (pg_dump for PostgreSQL).")
        target = Path(path)
        if target.exists():
            raise CommandError(f"{target} exists already; choose a new path.")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder.")
        connection.ensure_connection()
        # SQLite's online backup: a consistent snapshot, page by page, while other connections keep
        # writing (in WAL mode they are not blocked). Copying the file could catch a half-written state.
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy, pages=1024)
        finally:
            copy.close()
        self.stdout.write(f"Backed up the database to {target} ({target.stat().st_size} bytes).")
