"""`main.py plan`: the capacity plan (bot/schedule/capacity.py) over the live groups of a database, read-only, for
each configured account; printed in Chinese (or --json, described in the README)."""
from __future__ import annotations

import sqlite3
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from bot.cli import config, ui
from bot.cli.accounts import AccountsError
from bot.schedule.capacity import AccountLimit, LiveGroup, Plan, account_name, day_words, plan
from bot.storage import Store, connect_readonly
from bot.storage.db import DatabaseError

EXIT_DATABASE = 5


def live_groups(store: Store, since: datetime) -> list[LiveGroup]:
    """The bound groups (closed ones left out) with their account, members and the actions they have run since."""
    fired = store.groups.fired_since(since)
    members = store.reports.member_counts()
    return [LiveGroup(row["room"], row.get("account") or "", row["state"], date.fromisoformat(row["start_date"]),
                      members.get(row["room"], 0), bool(row["paused"]), frozenset(fired.get(row["room"], ())))
            for row in store.groups.rows() if row["state"] != "closed"]


def limits(accounts_file: Path | None) -> list[AccountLimit]:
    """Each configured account's budget; without an accounts file, the one default account at the default pacing."""
    from bot.delivery.sender import Pacing  # noqa: PLC0415

    if accounts_file is None:
        return [AccountLimit.of("", Pacing())]
    from bot.cli.accounts import load_accounts  # noqa: PLC0415 - the accounts file `run` uses

    return [AccountLimit.of(a.name, Pacing(per_minute=a.per_minute)) for a in load_accounts(accounts_file, _NoTokens())]


class _NoTokens(dict):
    """The environment for reading the accounts file without its tokens (a plan connects to nothing): a token_env
    that is not set is no problem here."""

    def get(self, key, default=None):
        import os  # noqa: PLC0415

        return os.environ.get(key) or "plan-reads-no-token"


def to_json(p: Plan) -> dict:
    """The plan in the shape the README documents."""
    tz = p.now.tzinfo
    return {
        "now": p.now.isoformat(), "until": p.until.isoformat(), "late_minutes": p.late_minutes, "how": p.how,
        "accounts": [{
            "name": a.limit.name, "per_minute": a.limit.per_minute, "rate_per_minute": round(a.limit.rate, 2),
            "groups": a.groups, "members": a.members,
            "hours": [{"start": h.start.isoformat(), "posts": h.posts, "other": round(h.other), "total": h.total,
                       "capacity": round(a.limit.rate * 60)} for h in a.hours],
            "bursts": [{"due": b.due.astimezone(tz).isoformat(), "posts": b.posts, "groups": b.groups,
                        "kinds": list(b.kinds), "queued": b.queued,
                        "last_out": b.last_out.astimezone(tz).isoformat(timespec="seconds"),
                        "late_minutes": int(b.late.total_seconds() // 60)} for b in a.bursts],
        } for a in p.accounts],
        "warnings": [w.strip() for w in p.warnings],
    }


def render(p: Plan) -> str:
    """The plan for people: per account its groups and pace, per day its hours, then the warnings."""
    tz = p.now.tzinfo
    today = p.now.date()
    last = (p.until.astimezone(tz) - timedelta(minutes=1)).date()
    out = [f"容量计划（capacity plan）：{day_words(today, today)} {p.now:%H:%M} 起，到 {day_words(last, today)} 结束；"
           f"定时消息晚于 {p.late_minutes} 分钟发出算晚"]
    for a in p.accounts:
        hourly = round(a.limit.rate * 60)
        out.append(f"■ {account_name(a.limit.name)}：{a.groups} 个群，{a.members} 位成员；每分钟最多 {a.limit.per_minute} 条，"
                   f"跨群连发约 {a.limit.rate:g} 条/分钟（{hourly} 条/小时）")
        days: dict[date, list] = {}
        for h in a.hours:
            days.setdefault(h.start.date(), []).append(h)
        for day, hours in days.items():
            busy = " · ".join(f"{h.start:%H}时 {h.total}{'⚠️' if h.total > hourly else ''}" for h in hours if h.total)
            out.append(f"  {day_words(day, today)} 共 {sum(h.total for h in hours)} 条（定时 {sum(h.posts for h in hours)}）："
                       f"{busy or '—'}")
        if a.bursts:
            worst = max(a.bursts, key=lambda b: (b.late, b.queued))
            due = worst.due.astimezone(tz)
            out.append(f"  最挤的时刻：{day_words(due.date(), today)} {due:%H:%M} {worst.queued} 条，预计 "
                       f"{worst.last_out.astimezone(tz):%H:%M} 发完")
    if p.warnings:
        out.append("⚠️ 会晚的定时消息：")
        out += [w if w.startswith(" ") else f"  {w}" for w in p.warnings]
    else:
        out.append(f"✅ 每个账号的定时消息都能在 {p.late_minutes} 分钟内发完")
    out.append(f"估算方法：{p.how}")
    return "\n".join(out)


@click.command(cls=ui.BotCommand)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=lambda: config.DEFAULT_DB,
              show_default="data/bot.db", help="SQLite 数据库文件，只读（database, opened read-only）。")
@click.option("--accounts", "accounts_file", type=click.Path(dir_okay=False, path_type=Path), envvar="BOT_ACCOUNTS",
              default=None, help="账号配置文件（与 run 相同），默认一个账号（the accounts file, as for run）。")
@click.option("--days", type=click.IntRange(0, 30), default=3, show_default=True,
              help="今天之后再看几天（days after today to plan）。")
@click.option("--at", "at", default=None, metavar="ISO-8601",
              help="按这一刻计算，默认现在（plan as of this moment, default now）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON，格式见 README（machine-readable）。")
@click.option("--playbook", type=click.Path(path_type=Path), default=config.DEFAULT_PLAYBOOK, show_default=True,
              help="课程剧本 YAML 文件（course playbook）。")
def plan_command(db: Path, accounts_file: Path | None, days: int, at: str | None, as_json: bool, playbook: Path) -> None:
    """容量计划 · capacity plan

    按课程日历和正在运行的群，算出每个账号接下来几天每小时要发多少条、能不能按时发完；会晚时给出提醒和建议（加账号或移群）。
    """
    from bot.playbook import PlaybookError, load_playbook
    from bot.reporting import jsonout

    try:
        pb = load_playbook(playbook)
    except PlaybookError as exc:
        click.echo(f"剧本有误（bad playbook）：\n{exc}", err=True)
        sys.exit(2)
    try:
        budgets = limits(accounts_file)
    except AccountsError as exc:  # one line per problem: FILE: accounts[2].endpoint: problem
        click.echo(str(exc), err=True)
        sys.exit(2)
    if at is None:
        now = datetime.now(pb.tz)
    else:
        try:
            now = datetime.fromisoformat(at)
            assert now.tzinfo is not None
        except (ValueError, AssertionError):
            raise click.BadParameter("needs an ISO-8601 time with UTC offset", param_hint="--at") from None
    now = now.astimezone(pb.tz)
    if not db.exists():
        click.echo(f"数据库 {db} 不存在（no database）：先用 `main.py run` 运行机器人，或用 --db 指定文件", err=True)
        sys.exit(EXIT_DATABASE)
    store = Store(connect_readonly(db))
    try:
        groups = live_groups(store, datetime.combine(now.date(), datetime.min.time(), tzinfo=pb.tz))
    except sqlite3.Error as exc:
        raise DatabaseError(f"{db}: cannot read the groups ({exc}); an older database is migrated by `run`") from None
    finally:
        store.close()
    result = plan(pb, groups, budgets, now, days)
    click.echo(jsonout.dumps(to_json(result)) if as_json else render(result))
