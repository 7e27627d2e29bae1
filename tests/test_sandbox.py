"""The terminal sandbox turns typed lines into events: members speak, join, leave, befriend the bot, write privately."""
from __future__ import annotations

import asyncio
import io
import signal
from zoneinfo import ZoneInfo

from bot.cli.daemon import Interrupts
from bot.schedule.clock import VirtualClock
from bot.core.events import FriendRequest, MemberJoined, MemberLeft, Message, Outgoing
from bot.transport.sandbox import SandboxTransport
from click.testing import CliRunner

from harness import local
from main import cli
from terminal import Terminal


def typed(*lines: str, then=None):
    """What the sandbox makes of typed lines: (events, printed); `then(sandbox)` runs after them (by default the bot
    says 收到)."""
    out = io.StringIO()
    sandbox = SandboxTransport(VirtualClock(local("2026-12-01 09:00")), ZoneInfo("Asia/Shanghai"), stdout=out)
    events = []

    async def collect(event):
        events.append(event)

    async def go():
        sandbox._on_event = collect
        for line in lines:
            await sandbox._line(line, collect)
        if then is None:
            await sandbox.say(Outgoing("sandbox@chatroom", None, "收到"))
        else:
            await then(sandbox)
    asyncio.run(go())
    return events, out.getvalue()


def test_a_member_speaking_joins_first_then_speaks():
    events, _ = typed("alice: 打卡", "alice：第二句")
    assert [type(e) for e in events] == [MemberJoined, Message, Message]
    assert events[1].text == "打卡" and events[2].text == "第二句" and events[1].id != events[2].id


def test_images_leaves_friend_requests_and_private_messages():
    events, _ = typed(":img bob", ":leave bob", ":friend dan 想学理财", ":dm dan 退订")
    kinds = [(type(e).__name__, getattr(e, "kind", "")) for e in events]
    assert kinds == [("MemberJoined", ""), ("Message", "image"), ("MemberLeft", ""), ("FriendRequest", ""), ("Message", "text")]
    friend, dm = events[3], events[4]
    assert isinstance(friend, FriendRequest) and friend.contact == "dan" and friend.hello == "想学理财"
    assert dm.room is None and dm.text == "退订"
    assert isinstance(events[2], MemberLeft)


def test_a_line_it_cannot_read_gets_a_hint_not_an_event():
    events, out = typed("just words")
    assert events == [] and "名字: 消息" in out
    assert "🤖 → sandbox@chatroom: 收到" in out


def test_link_mini_program_and_contact_cards_arrive_with_their_kinds():
    events, _ = typed(":url bob https://x.cn/a 免费领取", ":mini bob 拼多多砍一刀", ":card bob 理财老师")
    messages = [(e.kind, e.text) for e in events if isinstance(e, Message)]
    assert messages == [("url", "https://x.cn/a 免费领取"), ("mini_program", "拼多多砍一刀"), ("contact", "理财老师")]


def test_a_removal_is_printed_and_the_member_leaves():
    seen_after = []

    async def remove_spam(sandbox):
        await sandbox.remove("sandbox@chatroom", "spam")
        await asyncio.sleep(0.01)
        seen_after.append(set(sandbox._seen))

    events, out = typed("spam: 加我微信", then=remove_spam)
    assert "🤖 把 spam 移出群 sandbox@chatroom" in out
    assert isinstance(events[-1], MemberLeft) and events[-1].members[0].id == "spam"
    assert ("sandbox@chatroom", "spam") not in seen_after[0]  # speaking again would join again


def test_room_switch_is_confirmed_and_an_unknown_command_lists_the_known_ones():
    events, out = typed(":room r2@chatroom", "alice: 打卡", ":foo bar", ":room", ":")
    assert "已切换到群 r2@chatroom" in out
    assert [e.room for e in events] == ["r2@chatroom", "r2@chatroom"]  # alice joins r2, then speaks there
    assert "未知命令 :foo" in out and ":room" in out and ":dm" in out and ":quit" in out
    assert "当前群 r2@chatroom" in out
    assert out.count("未知命令") == 2  # a lone ':' is an unknown (empty) command, not an error


def test_a_command_without_its_arguments_gets_its_usage():
    events, out = typed(":dm dan", ":img", ":friend")
    assert events == [] and "用法 usage：:dm 名字 消息" in out and ":img 名字" in out and ":friend 名字" in out


def test_a_pasted_block_gets_one_hint_and_a_long_line_is_one_message():
    events, out = typed(*[f"粘贴的第{i}行" for i in range(500)], "alice: " + "长" * 100_000)
    assert out.count("名字: 消息") == 1
    assert [type(e) for e in events] == [MemberJoined, Message] and len(events[1].text) == 100_000


def test_the_prompt_shows_the_room_and_the_bots_clock():
    sandbox = SandboxTransport(VirtualClock(local("2026-12-01 09:00")), ZoneInfo("Asia/Shanghai"), stdout=io.StringIO())
    assert sandbox.prompt() == "[sandbox@chatroom · 12-01 周二 09:00] > "


def test_the_speed_must_be_positive_in_one_line(tmp_path):
    for speed in ("0", "-5"):
        result = CliRunner().invoke(cli, ["run", "--db", str(tmp_path / "bot.db"), "--speed", speed])
        assert result.exit_code == 2 and "Traceback" not in result.output
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "--speed" in lines[0] and "必须是大于 0 的数" in lines[0]
    assert not (tmp_path / "bot.db").exists()


def test_a_person_at_the_terminal(tmp_path):
    """In a real terminal: the prompt, :room, an unknown command, a 100,000-character paste and 2,000 pasted lines,
    then Ctrl-C stops it cleanly; log lines go to sandbox.log in the course's time zone, never into the chat."""
    term = Terminal("run", "--db", str(tmp_path / "bot.db"), "--clock-start", "2026-12-01T08:00+08:00")
    try:
        term.wait_for("[sandbox@chatroom · 12-01 周二 08:0")
        term.type("adv: /start\n")
        term.wait_for("家乡签到")
        term.type(":room r2\n")
        at = term.wait_for("已切换到群 r2")
        term.wait_for("[r2 · 12-01 周二 08:0", after=at)
        term.type(":foo\n")
        term.wait_for("未知命令 :foo")
        term.type("alice: " + "长" * 100_000 + "\n" + "\n".join(f"第{i}行" for i in range(2000)) + "\n")
        term.type(":time\n")
        term.wait_for("🕒 12-01 08:0")
        term.ctrl_c()
        term.wait_for("正在停止")
        assert term.wait_exit() == 0
    finally:
        term.close()
    assert "Traceback" not in term.screen and " INFO " not in term.screen
    log = (tmp_path / "sandbox.log").read_text(encoding="utf-8")
    assert "running on sandbox" in log and "+0800 INFO" in log


def test_a_second_ctrl_c_while_stopping_exits_at_once():
    stop, exits, err = asyncio.Event(), [], io.StringIO()
    interrupts = Interrupts(stop, exits.append, err)
    interrupts(signal.SIGINT)
    assert stop.is_set() and exits == [] and "正在停止" in err.getvalue()
    interrupts(signal.SIGINT)
    assert exits == [130] and "已立即退出" in err.getvalue()


def test_sigterm_stops_cleanly_even_twice():
    stop, exits, err = asyncio.Event(), [], io.StringIO()
    interrupts = Interrupts(stop, exits.append, err)
    interrupts(signal.SIGTERM)
    interrupts(signal.SIGTERM)
    assert stop.is_set() and exits == [] and err.getvalue() == ""
