"""Command line: run the daemon, simulate a cohort, replay a recorded chat, report, check a playbook."""
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

from bot.cli import config, instance_lock
from bot.playbook import PlaybookError, load_playbook
from bot.storage.db import DatabaseError, is_sqlite_file

EXIT_DATABASE = 5

PLAYBOOK_OPT = click.option("--playbook", type=click.Path(path_type=Path), default=config.DEFAULT_PLAYBOOK,
                            show_default=True, help="Course playbook (YAML).")


def _playbook_or_exit(path: Path):
    try:
        return load_playbook(path)
    except PlaybookError as exc:
        click.echo(f"bad playbook:\n{exc}", err=True)
        sys.exit(2)


class BotCli(click.Group):
    """Every command: an unusable database or an unwritable folder is one line on stderr and exit 5, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatabaseError as exc:
            click.echo(f"database: {exc}", err=True)
            ctx.exit(EXIT_DATABASE)
        except OSError as exc:  # e.g. the lock file beside the database cannot be created
            if exc.filename is None:
                raise
            click.echo(f"cannot use {exc.filename}: {exc.strerror}", err=True)
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
@click.option("-v", "--verbose", is_flag=True, help="Debug logging.")
def cli(verbose: bool) -> None:
    """WeChat study-group bot: 7-day course rituals (家乡签到, 打卡, 实操, 我毕业啦!) run by a state machine per group."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)


@cli.command()
@click.argument("playbook", type=click.Path(path_type=Path))
def check(playbook: Path) -> None:
    """Validate a playbook without running anything."""
    pb = _playbook_or_exit(playbook)
    click.echo(f"{playbook}: ok — 「{pb.course.title}」 {pb.course.days} days, {sum(1 for d in pb.days if d.task)} practice tasks; "
               f"rituals: {', '.join(r.name for r in pb.chosen)}")


@cli.command()
@PLAYBOOK_OPT
@click.option("--db", type=click.Path(path_type=Path), default=config.DEFAULT_DB, show_default=True)
@click.option("--speed", type=float, default=1.0, show_default=True, help="Sandbox clock speed (e.g. 1440: a day per minute).")
@click.option("--clock-start", default=None, metavar="ISO-8601",
              help="Sandbox only: the clock starts at this moment (e.g. 2026-12-01T08:00+08:00) instead of now.")
def run(playbook: Path, db: Path, speed: float, clock_start: str | None) -> None:
    """Run the daemon: on WeChat if WECHATY_PUPPET_SERVICE_TOKEN is set, else the local terminal sandbox."""
    from bot.app import assemble
    from bot.schedule.clock import ScaledClock, SystemClock
    from bot.cli.daemon import run as run_daemon

    pb = _playbook_or_exit(playbook)
    try:
        lock = instance_lock.acquire(db)  # noqa: F841 - held for the life of the process
    except instance_lock.AlreadyRunning as exc:
        click.echo(str(exc), err=True)
        sys.exit(4)
    token = os.environ.get("WECHATY_PUPPET_SERVICE_TOKEN")
    if token:
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
        transport = WechatyTransport(endpoint, token, cache_dir=str(Path(db).resolve().parent / ".wechaty"))
        where = f"wechaty (puppet service at {endpoint})"
    else:
        from bot.transport.sandbox import SandboxTransport

        origin = None
        if clock_start:
            try:
                origin = datetime.fromisoformat(clock_start)
                assert origin.tzinfo is not None
            except (ValueError, AssertionError):
                raise click.BadParameter("needs an ISO-8601 time with UTC offset", param_hint="--clock-start") from None
        clock = ScaledClock(speed, origin) if (speed != 1.0 or origin) else SystemClock()
        transport = SandboxTransport(clock, pb.tz)
        where = f"{transport.name}; clock x{speed:g}"
    click.echo(f"transport: {where}; database {db}; advisors: {', '.join(sorted(config.advisors(pb))) or '(none)'}")
    bot = assemble(db, pb, clock, transport)
    try:
        asyncio.run(run_daemon(bot, transport, speed=speed, closed=getattr(transport, "closed", None)))
    except Exception as exc:  # a start-up failure is a clear message and a non-zero exit
        if type(exc).__name__ == "TransportStartError":
            click.echo(f"cannot start: {exc}", err=True)
            sys.exit(3)
        raise


@cli.command()
@click.option("--members", type=click.IntRange(1, 5000), default=30, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--start", "start_date", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Day 1 (default: tomorrow).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help="Keep the database here (default: a temp file).")
@click.option("--quiet", is_flag=True, help="Only the bot's messages and the report.")
@PLAYBOOK_OPT
def simulate(members: int, seed: int, start_date, db: Path | None, quiet: bool, playbook: Path) -> None:
    """Play a whole cohort (start → hometowns → 7 days → graduation → alumni) on a virtual clock."""
    from bot.reporting import report
    from bot.cli.simulate import simulate as play

    _playbook_or_exit(playbook)
    start = start_date.date() if start_date else date.today() + timedelta(days=1)
    path = db or Path(tempfile.mkdtemp(prefix="sim-")) / "sim.db"
    out = (lambda line: click.echo(line) if "🤖" in line else None) if quiet else click.echo
    result = play(members, seed, path, playbook, start, out)
    click.echo("\n" + report.render(result))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), required=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write every message the bot sent (JSON lines).")
@click.option("--progress/--no-progress", default=None, help="进度条（默认：终端上显示）/ a progress bar on stderr (default: on a terminal).")
@PLAYBOOK_OPT
def replay(file: Path, db: Path, out: Path | None, progress: bool | None, playbook: Path) -> None:
    """Feed a recorded chat (JSON lines) through the engine on a virtual clock."""
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
@click.option("--db", type=click.Path(path_type=Path), required=True)
@PLAYBOOK_OPT
def import_contacts(file: Path, db: Path, playbook: Path) -> None:
    """Add contacts from a CSV (id,name) and queue the free-course invitation for each (safe while the daemon runs)."""
    from bot.cli.contacts_import import ImportFileError, import_contacts as run_import
    from bot.storage import Store, connect

    pb = _playbook_or_exit(playbook)
    # no instance lock: the daemon on this database is the normal case; WAL + busy_timeout let both write
    store = Store(connect(db))
    try:
        result = run_import(store, pb, file)
    except ImportFileError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    finally:
        store.close()
    for problem in result.bad:
        click.echo(f"{file}: {problem} (skipped)", err=True)
    click.echo(f"{file}: {result.summary()}")


@cli.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable (see README for the shape).")
@PLAYBOOK_OPT
def report(db: Path, as_json: bool, playbook: Path) -> None:
    """Per group: state, day, members, hometowns, check-ins, practice, graduates, and the conversion funnel."""
    import sqlite3

    from bot.reporting import jsonout, report as rep
    from bot.storage import Store, connect_readonly

    pb = _playbook_or_exit(playbook)
    store = Store(connect_readonly(db))  # a report never migrates or creates anything
    try:
        data = rep.build(store, pb.course.days, pb.chosen)
    except sqlite3.Error as exc:  # e.g. an older schema that lacks a table: run the bot once to migrate it
        raise DatabaseError(f"{db}: cannot read the report's tables ({exc}); an older database is migrated by "
                            "`run` or `replay`") from None
    finally:
        store.close()
    click.echo(jsonout.dumps(data) if as_json else rep.render(data))


if __name__ == "__main__":
    cli()
