"""import-contacts: existing contacts from a CSV get the persona's free-course invitation, queued in the
outbox and sent by the running bot at its pace; opted-out and already-invited people are never messaged."""
from __future__ import annotations

import subprocess
import sys

import pytest

from bot.cli.contacts_import import ImportFileError, import_contacts
from bot.playbook import load_playbook
from bot.storage import Store, connect
from harness import PLAYBOOK, ROOT

GREETING_START = "你好呀，我是小金，你的专属理财导师，有6年投资经验 😊"


def csv_file(tmp_path, text, name="contacts.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(chat, path):
    """Import through a second connection to the bot's database, like the command beside a running daemon."""
    store = Store(connect(chat.db_path))
    try:
        return import_contacts(store, load_playbook(PLAYBOOK), path, chat.clock.now())
    finally:
        store.close()


def test_imported_contacts_get_the_invitation_sent_by_the_running_bot(chat, tmp_path):
    path = csv_file(tmp_path, "id,name,phone\nwx_a,阿珍,13800000000\nwx_b,阿强,\n")
    result = run_import(chat, path)
    assert (result.queued, result.opted_out, result.already, result.bad) == (2, 0, 0, [])
    outs = chat.said_out()
    assert sorted(o.to for o in outs) == ["wx_a", "wx_b"]
    assert all(o.room is None and o.text.startswith(GREETING_START) for o in outs)
    assert "恭喜你领到「7天小白理财实操课」免费名额" in outs[0].text and "{" not in outs[0].text
    contact = chat.store.funnel.contact("wx_a")
    assert (contact["name"], contact["source"]) == ("阿珍", "import")
    assert chat.store.funnel.stages("wx_a") == ["imported", "greeted"]


def test_importing_twice_queues_nothing_new(chat, tmp_path):
    path = csv_file(tmp_path, "id,name\nwx_a,阿珍\nwx_b,阿强\n")
    run_import(chat, path)
    assert len(chat.said()) == 2
    again = run_import(chat, path)
    assert (again.queued, again.already) == (0, 2)
    assert chat.said() == []
    assert chat.store.funnel.stages("wx_a") == ["imported", "greeted"]


def test_a_contact_listed_twice_is_invited_once(chat, tmp_path):
    result = run_import(chat, csv_file(tmp_path, "id,name\nwx_a,阿珍\nwx_a,阿珍\n"))
    assert (result.queued, result.already) == (1, 1)
    assert [o.to for o in chat.said_out()] == ["wx_a"]


def test_opted_out_people_are_never_messaged(chat, tmp_path):
    chat.say("wx_a", "退订", room=None)
    chat.said()
    result = run_import(chat, csv_file(tmp_path, "id,name\nwx_a,阿珍\nwx_b,阿强\n"))
    assert (result.queued, result.opted_out) == (1, 1)
    assert [o.to for o in chat.said_out()] == ["wx_b"]
    assert chat.store.funnel.contact("wx_a")["source"] == "private"  # the first source is kept


def test_someone_who_opts_out_before_the_paced_invitation_goes_out_never_gets_it(chat, tmp_path):
    run_import(chat, csv_file(tmp_path, "id,name\nwx_a,阿珍\nwx_b,阿强\nwx_c,阿财\n"))
    chat.say("wx_c", "TD", room=None)  # the sender paces the invitations: wx_c's is still queued
    outs = chat.said_out()
    assert [o.to for o in outs if o.text.startswith(GREETING_START)] == ["wx_a", "wx_b"]
    assert [o.text for o in outs if o.to == "wx_c"] == ["已为你退订营销消息，之后不会再给你推送优惠信息。课程通知不受影响。"]
    assert chat.store.outbox.length() == 0


def test_people_already_greeted_by_the_bot_are_not_greeted_again(chat, tmp_path):
    chat.befriend("wx_a", "阿珍")
    chat.said()
    result = run_import(chat, csv_file(tmp_path, "id,name\nwx_a,阿珍\n"))
    assert (result.queued, result.already) == (0, 1)
    assert chat.said() == []


def test_bad_rows_are_reported_with_their_line_and_skipped(chat, tmp_path):
    path = csv_file(tmp_path, "id,name\nwx_a,阿珍\n,无名\nlonely\n\nwx b,空格\nwx_c,\"多行\n名字\"\nwx_d,阿德\n")
    result = run_import(chat, path)
    assert result.bad == ["line 3: bad id ''", "line 4: expected the columns id,name, got 1 field(s)",
                          "line 6: bad id 'wx b'"]
    assert result.queued == 3
    assert sorted(o.to for o in chat.said_out()) == ["wx_a", "wx_c", "wx_d"]


def test_columns_may_come_in_any_order_with_a_bom(chat, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("Name,ID,备注\n阿珍,wx_a,老客户\n", encoding="utf-8-sig")
    assert run_import(chat, path).queued == 1
    assert chat.store.funnel.contact("wx_a")["name"] == "阿珍"


@pytest.mark.parametrize("text", ["", "wxid,nickname\nwx_a,阿珍\n"])
def test_a_file_without_the_id_name_header_is_refused(chat, tmp_path, text):
    with pytest.raises(ImportFileError, match="header must name the columns id,name"):
        run_import(chat, csv_file(tmp_path, text))
    assert chat.store.outbox.length() == 0


def test_a_file_that_is_not_utf8_is_refused(chat, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("id,name\nwx_a,阿珍\n".encode("gbk"))
    with pytest.raises(ImportFileError, match="not UTF-8"):
        run_import(chat, path)


def test_the_command_prints_what_it_did(tmp_path):
    db = tmp_path / "bot.db"
    path = csv_file(tmp_path, "id,name\nwx_a,阿珍\nbad\n")
    cmd = [sys.executable, "main.py", "import-contacts", str(path), "--db", str(db)]
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "queued 1 invitation(s); skipped 0 opted out, 0 already invited; 1 bad row(s)" in first.stdout
    assert "line 3: expected the columns id,name" in first.stderr
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert "queued 0 invitation(s); skipped 0 opted out, 1 already invited; 1 bad row(s)" in second.stdout
    store = Store(connect(db))
    assert [m.out.to for m in store.outbox.queued()] == ["wx_a"]


def test_the_command_refuses_a_file_without_a_header(tmp_path):
    path = csv_file(tmp_path, "wx_a,阿珍\n")
    res = subprocess.run([sys.executable, "main.py", "import-contacts", str(path), "--db", str(tmp_path / "bot.db")],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2 and "header must name the columns id,name" in res.stderr
