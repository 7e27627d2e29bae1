"""What every command shares on the terminal: Chinese-first help options, one-line usage errors, progress bars
(on a terminal or with --progress, on stderr) and log lines in the course's time zone."""
from __future__ import annotations

import logging
import os
import sys
from datetime import datetime, tzinfo
from typing import Any, Callable

import click

HELP_TEXT = "显示帮助并退出（Show this message and exit）"


class OneLineError(click.BadParameter):
    """A bad option value is one line on stderr (exit 2), not the usage block."""

    def show(self, file: Any = None) -> None:
        click.echo(f"错误（error）：{self.format_message()}", err=True)


class ChineseUsageError(click.UsageError):
    """A usage error (a missing argument, an unknown option or command) as the usage line and one line of error, in
    Chinese first; click's own English message follows."""

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.format_message(), error.ctx)
        self.exit_code = error.exit_code

    def show(self, file: Any = None) -> None:
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), err=True)
            hint = f"（用 `{self.ctx.command_path} --help` 查看帮助 · see --help）"
        else:
            hint = ""
        click.echo(f"错误（error）：{self.format_message()}{hint}", err=True)


class PositiveFloat(click.FloatRange):
    """A number above 0 (a clock speed): 0 and negative values are refused in one line."""

    name = "positive number"

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True)

    def fail(self, message: str, param: click.Parameter | None = None, ctx: click.Context | None = None):
        raise OneLineError(f"必须是大于 0 的数（must be > 0: {message}）", ctx, param)


class ChineseFormatter(click.HelpFormatter):
    """Help headings in Chinese first: 用法 Usage, 选项 Options, 命令 Commands."""

    HEADINGS = {"Options": "选项 Options", "Commands": "命令 Commands", "Arguments": "参数 Arguments"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法 Usage: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseHelp:
    """Mixed into the group and its commands: help headings and --help described in Chinese first."""

    context_class = ChineseContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option


class BotCommand(ChineseHelp, click.Command):
    """Every command of main.py."""


def progress(total: int | None, shown: bool, unit: str, desc: str):
    """A tqdm bar on stderr, drawn only when `shown` (a terminal, or --progress); a no-op bar otherwise."""
    from tqdm import tqdm

    return tqdm(total=total, disable=not shown, file=sys.stderr, unit=unit, desc=desc, dynamic_ncols=True,
                mininterval=0.2)


def echo_beside(bar) -> Callable[[str], None]:
    """Print a line on stdout without breaking a progress bar drawn on the same terminal."""
    if bar.disable:
        return click.echo
    return lambda line: bar.write(line, file=sys.stdout)


def want_progress(flag: bool) -> bool:
    """--progress, or stderr is a terminal."""
    return flag or sys.stderr.isatty()


class CourseTimeFormatter(logging.Formatter):
    """Log times in the course's time zone, with their offset (2026-12-01 09:00:00+0800)."""

    def __init__(self, tz: tzinfo, fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created, self.tz).strftime(datefmt or "%Y-%m-%d %H:%M:%S%z")


def log_in_course_time(tz: tzinfo, file: str | None = None) -> None:
    """Every log line in the course's time zone; with `file`, into that file instead of the terminal (the
    sandbox: log lines never mix with the chat)."""
    root = logging.getLogger()
    if file is not None:
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # like the database: not for others
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.addHandler(logging.FileHandler(file, encoding="utf-8"))
    for handler in root.handlers:
        handler.setFormatter(CourseTimeFormatter(tz))
