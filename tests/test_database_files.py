"""The database holds survey answers and private messages: it is the owner's alone (0600 in a 0700 folder). A
database that cannot be used — unreadable, not a database, read-only, written by a newer bot — is one clear line
and a non-zero exit from every command, never a traceback; `report` only reads; `replay --out` never overwrites a
database or its own input."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import stat

import pytest
from click.testing import CliRunner

from bot.storage import connect
from harness import PLAYBOOK
from main import EXIT_DATABASE, cli

LINE = json.dumps({"ts": "2026-12-01T10:00:00+08:00", "type": "message", "room": "r1@chatroom", "from": "u1",
                   "name": "张三", "text": "打卡", "id": "m1"}, ensure_ascii=False)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def every_command(db, tmp_path):
    """(name, argv) of each command that opens a database."""
    chat = tmp_path / "chat.jsonl"
    chat.write_text(LINE + "\n", encoding="utf-8")
    contacts = tmp_path / "c.csv"
    contacts.write_text("id,name\nwx_a,阿珍\n", encoding="utf-8")
    return [("run", ["run", "--db", db, "--playbook", PLAYBOOK]),
            ("replay", ["replay", chat, "--db", db]),
            ("report", ["report", "--db", db]),
            ("import-contacts", ["import-contacts", contacts, "--db", db]),
            ("simulate", ["simulate", "--members", "3", "--db", db, "--quiet", "--start", "2026-12-01"])]


def assert_one_clear_line(result, *words: str):
    assert result.exit_code == EXIT_DATABASE, (result.exit_code, result.output, result.exception)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and all(w in lines[0] for w in words), result.stderr
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))


def test_the_database_and_its_folder_are_private(tmp_path):
    db = tmp_path / "data" / "bot.db"
    store = connect(db)
    store.conn.execute("CREATE TABLE scratch (x)")  # a write: the -wal and -shm files exist now
    assert (mode(db.parent), mode(db)) == (0o700, 0o600)
    for side in ("-wal", "-shm"):
        assert mode(db.with_name(db.name + side)) == 0o600
    store.conn.close()


def test_an_existing_database_is_made_private_on_open(tmp_path):
    db = tmp_path / "old.db"
    connect(db).conn.close()
    db.chmod(0o644)
    connect(db).conn.close()
    assert mode(db) == 0o600


@pytest.mark.parametrize("command", ["run", "replay", "report", "import-contacts", "simulate"])
def test_a_file_that_is_not_a_database(tmp_path, command):
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n" * 50, encoding="utf-8")
    argv = dict(every_command(db, tmp_path))[command]
    assert_one_clear_line(invoke(*argv), str(db), "not a SQLite database")


@pytest.mark.parametrize("command", ["run", "replay", "import-contacts", "simulate"])
def test_a_read_only_database(tmp_path, command):
    db = tmp_path / "ro.db"
    connect(db).conn.close()
    db.chmod(0o400)  # refused by its mode even when the tests run as root
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    argv = dict(every_command(db, tmp_path))[command]
    assert_one_clear_line(invoke(*argv), str(db), "read-only")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_report_reads_a_read_only_database(tmp_path):
    db = tmp_path / "ro.db"
    connect(db).conn.close()
    db.chmod(0o400)
    result = invoke("report", "--db", db, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["groups"] == []


@pytest.mark.parametrize("command", ["run", "replay", "report", "import-contacts", "simulate"])
def test_an_unreadable_database(tmp_path, command):
    db = tmp_path / "secret.db"
    connect(db).conn.close()
    db.chmod(0o000)
    argv = dict(every_command(db, tmp_path))[command]
    assert_one_clear_line(invoke(*argv), str(db), "cannot read")


@pytest.mark.parametrize("command", ["run", "replay", "report", "import-contacts", "simulate"])
def test_a_database_from_a_newer_bot(tmp_path, command):
    db = tmp_path / "new.db"
    store = connect(db)
    store.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    store.conn.close()
    argv = dict(every_command(db, tmp_path))[command]
    assert_one_clear_line(invoke(*argv), str(db), "v99", "newer")


def test_a_folder_where_the_database_should_be(tmp_path):
    db = tmp_path / "dir.db"
    db.mkdir()
    argv = dict(every_command(db, tmp_path))["import-contacts"]
    assert_one_clear_line(invoke(*argv), str(db), "not a file")


def test_report_changes_nothing_in_the_file(tmp_path):
    db = tmp_path / "bot.db"
    connect(db).conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert invoke("report", "--db", db).exit_code == 0
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_report_on_a_sqlite_file_that_is_not_the_bots(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE photos (x)")
    conn.commit()
    conn.close()
    assert_one_clear_line(invoke("report", "--db", db), str(db), "not a bot database")
    assert sqlite3.connect(db).execute("SELECT name FROM sqlite_master").fetchall() == [("photos",)]


@pytest.mark.parametrize("target", ["a database", "the input", "the --db file"])
def test_replay_out_never_overwrites_a_database_or_its_input(tmp_path, target):
    chat = tmp_path / "chat.jsonl"
    chat.write_text(LINE + "\n", encoding="utf-8")
    db, other = tmp_path / "bot.db", tmp_path / "precious.db"
    connect(other).conn.close()
    out = {"a database": other, "the input": chat, "the --db file": db}[target]
    before = out.read_bytes() if out.exists() else None
    result = invoke("replay", chat, "--db", db, "--out", out)
    assert result.exit_code == 2 and "refusing: --out" in result.stderr
    assert (out.read_bytes() if out.exists() else None) == before
