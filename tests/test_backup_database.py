"""manage.py backup_database: a live, consistent copy of the SQLite database."""
import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from app.models import Conversation


@pytest.mark.django_db(transaction=True)
def test_the_copy_holds_the_conversations_and_opens_on_its_own(tmp_path):
    Conversation.objects.create(session_key="s" * 32, title="Q3 planning")
    out = StringIO()

    call_command("backup_database", str(tmp_path / "copy.sqlite3"), stdout=out)

    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        titles = [row[0] for row in copy.execute("SELECT title FROM app_conversation")]
    assert titles == ["Q3 planning"]
    assert "Backed up the database to" in out.getvalue()


@pytest.mark.django_db
def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "copy.sqlite3").write_text("keep me")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_database", str(tmp_path / "copy.sqlite3"))

    assert (tmp_path / "copy.sqlite3").read_text() == "keep me"


@pytest.mark.django_db(transaction=True)
def test_a_backup_that_cannot_be_finished_leaves_nothing_that_passes_for_one(tmp_path, monkeypatch):
    from app.management.commands import backup_database

    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_database.os, "link", disk_full)

    with pytest.raises(CommandError, match="The backup failed and nothing was left at .*copy.sqlite3: .*No space left"):
        call_command("backup_database", str(tmp_path / "copy.sqlite3"))

    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_the_copy_is_readable_by_its_owner_only(tmp_path):
    call_command("backup_database", str(tmp_path / "copy.sqlite3"), stdout=StringIO())

    assert (tmp_path / "copy.sqlite3").stat().st_mode & 0o777 == 0o600
