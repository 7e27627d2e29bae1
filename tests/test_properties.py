"""Properties over every input a stranger controls: the command parser never raises for any text, a replay line of
any shape is an event or a reported bad line, and no advisor command text makes a handler fail (「出错了」).
Example counts: `pytest tests/test_properties.py --hypothesis-show-statistics`."""
from __future__ import annotations

import json
import logging
import unicodedata

import pytest

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.core.commands import Command, parse_command
from bot.core.events import FriendRequest, MemberJoined, MemberLeft, Message
from bot.core.names import display_name
from bot.cli.recording import BadLine, parse_line
from harness import ADVISOR, Chat, local

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
field = st.one_of(json_values, st.text(max_size=30))


def mostly(valid, garbage=field):
    """Three draws in four from `valid`, so the line often gets past its first checks (and reaches the engine's shapes)."""
    return st.integers(0, 3).flatmap(lambda i: valid if i else garbage)


timestamps = st.sampled_from(["2026-12-01T10:00:00+08:00", "2026-12-01T10:00:00", "2099-01-01T00:00:00+00:00",
                              "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "yesterday", ""])
event_like = st.fixed_dictionaries({
    "ts": mostly(st.sampled_from(["2026-12-01T10:00:00+08:00", "2026-12-01T02:00:00Z"]), timestamps | json_values),
    "type": mostly(st.sampled_from(["message", "join", "leave", "friendship"]), json_values),
    "from": mostly(st.sampled_from(["u1", "u2"])), "text": mostly(st.sampled_from(["打卡", "/start", ""]) | st.text()),
}, optional={
    "room": mostly(st.sampled_from(["r1@chatroom", None])), "topic": field, "name": mostly(st.text(max_size=30)),
    "id": mostly(st.text(max_size=10)), "kind": mostly(st.sampled_from(["text", "image"])),
    "members": mostly(st.lists(st.fixed_dictionaries({"id": mostly(st.sampled_from(["u1", "u2"]))},
                                                     optional={"name": mostly(st.text(max_size=20))}), max_size=3),
                      json_values)})
EVENTS = (Message, MemberJoined, MemberLeft, FriendRequest)


@settings(max_examples=2000)
@given(st.text())
def test_the_command_parser_never_raises(text):
    cmd = parse_command(text)
    assert cmd is None or (isinstance(cmd, Command) and isinstance(cmd.argv, list))


@settings(max_examples=2000)
@given(st.text(), st.text(max_size=30))
def test_any_display_name_prints_as_one_short_clean_line(name, contact):
    shown = display_name(name, contact)
    assert 1 <= len(shown) <= 20 and shown == shown.strip()
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp") for c in shown)
    assert display_name(shown, contact) == shown  # cleaning twice changes nothing


def _parse(line: str) -> None:
    try:
        parsed = parse_line(line, 1)
    except BadLine:
        event("BadLine")
    else:
        assert isinstance(parsed, EVENTS)
        event(type(parsed).__name__)


@settings(max_examples=2000)
@given(event_like)
def test_a_replay_line_of_any_event_like_shape_is_an_event_or_a_bad_line(obj):
    _parse(json.dumps(obj, ensure_ascii=False))


@settings(max_examples=1000)
@given(json_values)
def test_a_replay_line_of_any_json_value_is_an_event_or_a_bad_line(value):
    _parse(json.dumps(value))


@settings(max_examples=1000)
@given(st.text())
def test_a_replay_line_of_any_text_is_an_event_or_a_bad_line(line):
    _parse(line)


def test_pathological_replay_lines_are_bad_lines():
    for line in ["[" * 100_000, "1" * 5000, '{"type": "message", "ts": "2026-12-01T10:00+08:00", "from": "\\ud800", "text": "x"}',
                 '{"type": "join", "ts": "2026-12-01T10:00+08:00", "room": {"id": 1}, "members": []}']:
        with pytest.raises(BadLine):
            parse_line(line, 1)


command_names = st.sampled_from(["start", "tally", "remind", "next", "status", "members", "offer", "offers", "push",
                                 "enrolled", "coupon", "claimed", "survey", "help", "pause", "resume", "开课", "统计"])
args = st.lists(st.one_of(st.text(max_size=12), st.integers().map(str), st.floats().map(str),
                          st.sampled_from(["advanced", "c400", "@u1", "2026-12-20T23:59+08:00", "1e309", "graduates"])),
                max_size=8).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.sampled_from(["/", "／"]), command_names, args))
def test_no_advisor_command_makes_a_handler_fail(tmp_path_factory, parts):
    chat = _bot(tmp_path_factory)
    prefix, name, rest = parts
    chat.say(ADVISOR, f"{prefix}{name} {rest}")
    assert not [t for t in chat.said() if "出错了" in t]


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["u1", "u2", "stranger"]), st.sampled_from(["room1@chatroom", None]), st.text(max_size=300),
       st.text(max_size=40), st.sampled_from(["text", "image", "unknown"]))
def test_no_member_message_makes_the_engine_fail(tmp_path_factory, sender, room, text, name, kind):
    chat = _bot(tmp_path_factory)
    errors = _Errors()
    logging.getLogger("bot").addHandler(errors)
    try:
        chat.say(sender, text, name=name, room=room, kind=kind)
        chat.said()
    finally:
        logging.getLogger("bot").removeHandler(errors)
    assert not errors.records, errors.records[0].getMessage()


_bots: dict[str, Chat] = {}


def _bot(tmp_path_factory) -> Chat:
    """One bot with a course running, shared by every example (a fresh one per example would take minutes)."""
    if "bot" not in _bots:
        chat = Chat(tmp_path_factory.mktemp("prop") / "bot.db", local("2026-11-30 10:00"))
        chat.start_course("u1", "u2")
        _bots["bot"] = chat
    return _bots["bot"]
