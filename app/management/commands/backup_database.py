"""python manage.py backup_database PATH: a consistent copy of the SQLite database, taken live."""
import os
import sqlite3
import tempfile
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
        if connection.in_atomic_block:  # a backup waits for the transaction it is called in: forever
            raise CommandError("Run the backup outside a transaction.")
        try:
            self._copy_to(target)
        except (sqlite3.Error, OSError) as error:
            raise CommandError(f"The backup failed and nothing was left at {target}: {error}") from None
        self.stdout.write(f"Backed up the database to {target} ({target.stat().st_size} bytes).")

    def _copy_to(self, target: Path) -> None:
        """Into a file of its own first, which becomes `target` only once whole: a failure (a full
        disk) leaves no half copy that would pass for a backup, and an existing file is never replaced."""
        handle, partial = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=target.parent)
        os.close(handle)  # mkstemp made it readable by its owner only: it holds sessions
        try:
            connection.ensure_connection()
            copy = sqlite3.connect(partial)
            try:
                # SQLite's online backup, in one step: one consistent snapshot. In steps, every write
                # by the running server would restart it, possibly forever; in WAL mode one step does
                # not hold up the writers.
                connection.connection.backup(copy, pages=-1)
            finally:
                copy.close()
            os.link(partial, target)  # fails if the target appeared meanwhile
        finally:
            for leftover in (partial, partial + "-journal"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
