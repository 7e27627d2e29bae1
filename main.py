"""Command line: run the daemon, simulate a cohort, replay a recorded chat, report, check a playbook.
Help is in Chinese first, English alongside."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from bot import __version__
from bot.cli import config, instance_lock, ui
from bot.playbook import PlaybookError, load_playbook
from bot.storage.db import DatabaseError, is_sqlite_file

EXIT_DATABASE = 5

PLAYBOOK_OPT = click.option("--playbook", type=click.Path(path_type=Path), default=config.DEFAULT_PLAYBOOK,
                            show_default=True, help="课程剧本 YAML 文件（course playbook）。")


def _playbook_or_exit(path: Path, language: bool = True):
    try:
        return load_playbook(path, language)
    except PlaybookError as exc:
        click.echo(f"剧本有误（bad playbook）：\n{exc}", err=True)
        sys.exit(2)


class BotCli(ui.ChineseHelp, click.Group):
    """Every command: an unusable database or an unwritable folder is one line on stderr and exit 5, not a traceback."""

    command_class = ui.BotCommand

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if isinstance(exc, (ui.OneLineError, ui.ChineseUsageError)):
                raise
            raise ui.ChineseUsageError(exc) from None
        except DatabaseError as exc:
            click.echo(f"数据库不可用（database）：{exc}", err=True)
            ctx.exit(EXIT_DATABASE)
        except OSError as exc:  # e.g. the lock file beside the database cannot be created
            if exc.filename is None:
                raise
            click.echo(f"无法使用（cannot use）{exc.filename}：{exc.strerror}", err=True)
            ctx.exit(EXIT_DATABASE)


def _refuse_out(out: Path, inputs: tuple[Path, ...]) -> str | None:
    """Why `replay --out` must not write there (a database, the input, the --db file), or None."""
    target = out.resolve()
    for p in inputs:
        for candidate in (p, *(Path(f"{p}{s}") for s in ("-wal", "-shm"))):
            if candidate.resolve() == target:
                return f"--out {out} is {'the input file' if candidate == inputs[0] else 'the database (or one of its files)'}"
    if out.exists() and is_sqlite_file(out):
        return f"--out {out} is a SQLite database: it would be overwritten"
    return None


@click.group(cls=BotCli)
@click.version_option(__version__, "-V", "--version", prog_name="学习群机器人 study-group bot",
                      message="%(prog)s %(version)s", help="显示版本并退出（Show the version and exit）")
@click.option("-v", "--verbose", is_flag=True, help="输出调试日志（debug logging）。")
def cli(verbose: bool) -> None:
    """学习群机器人：在微信学习群里按剧本运行7天课程的各个环节（家乡签到、打卡、实操、我毕业啦!），每个群一台状态机。

    WeChat study-group bot: 7-day course rituals run by a state machine per group.
    默认数据库（default database）：data/bot.db；默认剧本（default playbook）：data/playbook.yaml。
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)


@cli.command()
@click.argument("playbook", type=click.Path(path_type=Path))
def check(playbook: Path) -> None:
    """检查剧本 · validate a playbook

    不运行任何东西；有问题时每行写明文件、字段和问题（FILE: FIELD: PROBLEM），退出码 2。
    """
    pb = _playbook_or_exit(playbook)
    click.echo(f"{playbook}: ok — 「{pb.course.title}」 {pb.course.days} 天，{sum(1 for d in pb.days if d.task)} 个实操任务；"
               f"环节（rituals）：{', '.join(r.name for r in pb.chosen)}")


def _clock_start(clock_start: str | None) -> datetime | None:
    """--clock-start as an aware datetime (None if not given)."""
    if not clock_start:
        return None
    try:
        origin = datetime.fromisoformat(clock_start)
        assert origin.tzinfo is not None
    except (ValueError, AssertionError):
        raise click.BadParameter("needs an ISO-8601 time with UTC offset", param_hint="--clock-start") from None
    return origin


@cli.command()
@PLAYBOOK_OPT
@click.option("--db", type=click.Path(path_type=Path), default=config.DEFAULT_DB, show_default=True,
              help="SQLite 数据库文件（database）。")
@click.option("--speed", type=ui.PositiveFloat(), default=1.0, show_default=True,
              help="沙盒时钟倍速，必须大于 0，如 1440 = 一分钟过一天（sandbox clock speed, > 0）。")
@click.option("--clock-start", default=None, metavar="ISO-8601",
              help="仅沙盒：时钟从这一刻开始，如 2026-12-01T08:00+08:00（sandbox only: the clock starts here）。")
@click.option("--accounts", "accounts_file", type=click.Path(dir_okay=False, path_type=Path), envvar="BOT_ACCOUNTS",
              default=None, help="多个微信账号的配置文件（YAML 列表，见 README；env BOT_ACCOUNTS）（several WeChat accounts）。")
def run(playbook: Path, db: Path, speed: float, clock_start: str | None, accounts_file: Path | None) -> None:
    """运行机器人 · run the daemon (WeChat or the sandbox)

    设置了 WECHATY_PUPPET_SERVICE_TOKEN 时连微信，否则在本机终端沙盒里运行；--accounts FILE 时按文件连多个账号。
    沙盒的日志写入数据库旁的 sandbox.log（默认 data/sandbox.log），不混进聊天；Ctrl-C 停止，再按一次立即退出。
    """
    from bot.app import assemble
    from bot.schedule.clock import ScaledClock, SystemClock
    from bot.cli.daemon import run as run_daemon

    pb = _playbook_or_exit(playbook)
    configs = None
    if accounts_file is not None:
        from bot.cli.accounts import AccountsError, load_accounts

        try:
            configs = load_accounts(accounts_file)
        except AccountsError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    try:
        lock = instance_lock.acquire(db)  # noqa: F841 - held for the life of the process
    except instance_lock.AlreadyRunning as exc:
        click.echo(str(exc), err=True)
        sys.exit(4)
    token = os.environ.get("WECHATY_PUPPET_SERVICE_TOKEN")
    accounts = None
    if configs is not None:
        from bot.app import Account
        from bot.delivery.sender import Pacing

        wechat = [c for c in configs if not c.sandbox]
        if wechat and (speed != 1.0 or clock_start):
            click.echo("--speed and --clock-start are for the sandbox only", err=True)
            sys.exit(2)
        origin = _clock_start(clock_start)
        clock = ScaledClock(speed, origin) if (speed != 1.0 or origin) else SystemClock()
        accounts, shown = [], []
        for c in configs:
            if c.sandbox:
                from bot.transport.sandbox import SandboxTransport

                transport = SandboxTransport(clock, pb.tz)
                shown.append(f"{c.name}: sandbox")
            else:
                from bot.transport.wechaty_adapter import WechatyTransport

                transport = WechatyTransport(c.endpoint, c.secret(),
                                             cache_dir=str(Path(db).resolve().parent / ".wechaty" / c.name))
                shown.append(f"{c.name}: wechaty at {c.endpoint}")
            accounts.append(Account(c.name, transport, Pacing(per_minute=c.per_minute)))
        where = "accounts " + "; ".join(shown)
        sandboxed = [a.transport for a in accounts if a.transport.name == "sandbox"]
        log_file = Path(db).resolve().parent / "sandbox.log"
        ui.log_in_course_time(pb.tz, str(log_file) if sandboxed else None)
        if sandboxed:
            where += f"; 日志 log: {log_file}"
        transport = sandboxed[0] if sandboxed else None
    elif token:
        from bot.cli.redact import redact

        redact(token)  # before anything can log it
        from bot.transport.wechaty_adapter import WechatyTransport

        endpoint = os.environ.get("WECHATY_PUPPET_SERVICE_ENDPOINT", "")
        if not endpoint:
            click.echo("WECHATY_PUPPET_SERVICE_TOKEN is set but WECHATY_PUPPET_SERVICE_ENDPOINT is not "
                       "(host:port of the puppet service)", err=True)
            sys.exit(2)
        if speed != 1.0 or clock_start:
            click.echo("--speed and --clock-start are for the sandbox only", err=True)
            sys.exit(2)
        clock = SystemClock()
        ui.log_in_course_time(pb.tz)
        transport = WechatyTransport(endpoint, token, cache_dir=str(Path(db).resolve().parent / ".wechaty"))
        where = f"wechaty (puppet service at {endpoint})"
    else:
        from bot.transport.sandbox import SandboxTransport

        origin = _clock_start(clock_start)
        clock = ScaledClock(speed, origin) if (speed != 1.0 or origin) else SystemClock()
        transport = SandboxTransport(clock, pb.tz)
        where = f"{transport.name}; clock x{speed:g}"
        log_file = Path(db).resolve().parent / "sandbox.log"
        ui.log_in_course_time(pb.tz, str(log_file))  # never interleaved with the chat
        where += f"; 日志 log: {log_file}"
    click.echo(f"运行方式 transport: {where}; 数据库 database {db}; "
               f"导师 advisors: {', '.join(sorted(config.advisors(pb))) or '（无 none）'}")
    bot = assemble(db, pb, clock, None if accounts else transport, accounts=accounts)
    try:
        asyncio.run(run_daemon(bot, None if accounts else transport, speed=speed,
                               closed=getattr(transport, "closed", None)))
    except KeyboardInterrupt:  # Ctrl-C before the daemon's own handler is installed: a quiet stop
        click.echo("已停止（stopped）", err=True)
        sys.exit(130)
    except Exception as exc:  # a start-up failure is a clear message and a non-zero exit
        if type(exc).__name__ == "TransportStartError":
            click.echo(f"cannot start: {exc}", err=True)
            sys.exit(3)
        raise


@cli.command()
@click.option("--members", type=click.IntRange(1, 5000), default=30, show_default=True, help="学员人数（members）。")
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子，同一种子结果相同（random seed）。")
@click.option("--start", "start_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="第1天的日期，默认明天（day 1, default: tomorrow）。")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="把数据库保存在这里，默认临时文件（keep the database here）。")
@click.option("--quiet", is_flag=True, help="只显示机器人的消息和报告（only the bot's messages and the report）。")
@click.option("--progress", is_flag=True, help="显示进度条（终端上默认显示）（show a progress bar on stderr）。")
@PLAYBOOK_OPT
def simulate(members: int, seed: int, start_date, db: Path | None, quiet: bool, progress: bool, playbook: Path) -> None:
    """模拟一整期课程 · simulate a whole cohort

    在虚拟时钟上：开课 → 家乡签到 → 7天 → 毕业 → 校友群，打印聊天记录和报告。
    """
    from bot.reporting import report
    from bot.cli.simulate import simulate as play

    _playbook_or_exit(playbook)
    start = start_date.date() if start_date else date.today() + timedelta(days=1)
    path = db or Path(tempfile.mkdtemp(prefix="sim-")) / "sim.db"
    with ui.progress(None, ui.want_progress(progress), "事件", "模拟 simulate") as bar:
        echo = ui.echo_beside(bar)  # the transcript on stdout, the bar redrawn below it on stderr

        def tick(done: int, total: int) -> None:
            if bar.total != total:
                bar.reset(total=total)
            bar.update(done - bar.n)
        out = (lambda line: echo(line) if "🤖" in line else None) if quiet else echo
        result = play(members, seed, path, playbook, start, out, tick)
    click.echo("\n" + report.render(result))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), required=True, help="SQLite 数据库文件（database）。")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="把机器人发出的每条消息写成 JSON lines（write every message the bot sent）。")
@click.option("--progress/--no-progress", default=None, help="进度条（默认：终端上显示）/ a progress bar on stderr (default: on a terminal).")
@PLAYBOOK_OPT
def replay(file: Path, db: Path, out: Path | None, progress: bool | None, playbook: Path) -> None:
    """回放录下的聊天 · replay a recorded chat

    把 JSON lines 格式的聊天记录在虚拟时钟上送进引擎，中间照常执行定时动作。
    """
    from bot.cli.replay import replay as play

    _playbook_or_exit(playbook)
    if out is not None and (why := _refuse_out(out, (file, db))):
        click.echo(f"refusing: {why}; choose another file", err=True)
        sys.exit(2)
    try:
        lock = instance_lock.acquire(db)  # noqa: F841 - a daemon on this database would double-send
    except instance_lock.AlreadyRunning as exc:
        click.echo(str(exc), err=True)
        sys.exit(4)
    bar = None

    def show(total: int):
        nonlocal bar
        from tqdm import tqdm

        bar = tqdm(total=total, unit="条", desc="回放 replay", file=sys.stderr, mininterval=0.5)
        return bar.update

    wanted = sys.stderr.isatty() if progress is None else progress
    try:
        result = play(file, db, playbook, out, show if wanted else None)
    finally:
        if bar is not None:
            bar.close()
    click.echo(result.summary(file), err=True)


@cli.command("import-contacts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), required=True, help="SQLite 数据库文件（database）。")
@click.option("--progress", is_flag=True, help="显示进度条（终端上默认显示）（show a progress bar on stderr）。")
@PLAYBOOK_OPT
def import_contacts(file: Path, db: Path, progress: bool, playbook: Path) -> None:
    """导入联系人并邀请 · import contacts, queue invitations

    从 CSV（id,name）导入已有联系人，给每人排队发送免费课邀请（跳过已退订和已邀请的人）；机器人运行时也可以导入。
    """
    from bot.cli.contacts_import import ImportFileError, count_rows, import_contacts as run_import
    from bot.storage import Store, connect

    pb = _playbook_or_exit(playbook)
    # no instance lock: the daemon on this database is the normal case; WAL + busy_timeout let both write
    store = Store(connect(db))
    try:
        with ui.progress(count_rows(file), ui.want_progress(progress), "行", "导入 import") as bar:
            result = run_import(store, pb, file, on_row=bar.update)
    except ImportFileError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    finally:
        store.close()
    for problem in result.bad:
        click.echo(f"{file}: {problem} (skipped)", err=True)
    click.echo(f"{file}: {result.summary()}")


@cli.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=lambda: config.DEFAULT_DB,
              show_default="data/bot.db", help="SQLite 数据库文件，默认与 run 相同（database, the same default as run）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON，格式见 README（machine-readable）。")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="同时把转化漏斗画成 PNG 存到这里（also draw the funnel chart here）。")
@click.option("--room", help="--chart 画哪个群的漏斗，默认唯一的群，否则全部（the group whose funnel --chart draws）。")
@PLAYBOOK_OPT
def report(db: Path, as_json: bool, playbook: Path, chart: Path | None = None, room: str | None = None) -> None:
    """每个群的报告 · per-group report

    状态、第几天、成员、家乡、打卡、实操、毕业和转化漏斗；默认读取 data/bot.db（与 run 相同）。
    """
    import gc
    import sqlite3

    from bot.reporting import jsonout, report as rep
    from bot.storage import Store, connect_readonly

    # a year of data is a million dicts, lists and strings, none of them in a cycle, kept until the command ends: the
    # cyclic collector would only walk them again and again as they are made (a third of the report's time)
    gc.disable()
    pb = _playbook_or_exit(playbook, language=False)  # a report reads no messages: the cue lists go unread
    if not db.exists():
        click.echo(f"数据库 {db} 不存在（no database）：先用 `main.py run` 运行机器人，或用 --db 指定文件", err=True)
        sys.exit(EXIT_DATABASE)
    store = Store(connect_readonly(db))  # a report never migrates or creates anything
    try:
        now = datetime.now(pb.tz)
        data = rep.build(store, pb.course.days, pb.chosen, now.replace(hour=0, minute=0, second=0, microsecond=0))
    except sqlite3.Error as exc:  # e.g. an older schema that lacks a table: run the bot once to migrate it
        raise DatabaseError(f"{db}: cannot read the report's tables ({exc}); an older database is migrated by "
                            "`run` or `replay`") from None
    finally:
        store.close()
    if as_json:  # written a group at a time, in UTF-8 as it is made (a year of data is tens of MB of JSON)
        sys.stdout.flush()
        jsonout.write(data, sys.stdout.buffer)
        sys.stdout.buffer.write(b"\n")
        sys.stdout.buffer.flush()
    else:
        click.echo(rep.render(data))
    if chart is not None:
        from bot.pictures import NoFont
        from bot.reporting import chart as charts

        try:
            title = charts.write(data, chart, room)
        except KeyError:
            raise click.UsageError(f"no group {room!r} in {db}") from None
        except NoFont as exc:
            click.echo(f"{chart}: not drawn: {exc}", err=True)
            sys.exit(1)
        click.echo(f"{chart}: {title}", err=as_json)


from bot.cli.dashboard import dashboard  # noqa: E402 - the command lives in its own module
from bot.cli.plan import plan_command  # noqa: E402
cli.add_command(dashboard)
cli.add_command(plan_command, "plan")

if __name__ == "__main__":
    cli()
