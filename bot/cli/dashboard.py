"""`main.py dashboard`: serve the data dashboard (Datasette, read-only) on 127.0.0.1, or beyond it with a password."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import click

from bot.cli import config, ui

PASSWORD_ENV = "BOT_DASHBOARD_PASSWORD"


@click.command(cls=ui.BotCommand)  # Chinese-first help like every command
@click.option("--db", type=click.Path(path_type=Path), default=config.DEFAULT_DB, show_default=True,
              help="数据库（只读打开，从不写入、从不迁移） / the bot's database, opened read-only.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="端口 / port.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；非本机地址必须设密码 / listen address; beyond loopback a password is required.")
@click.option("--password", envvar=PASSWORD_ENV, default=None, show_envvar=True,
              help="访问密码（HTTP Basic，用户名随意） / password (HTTP Basic, any user name).")
@click.option("--playbook", type=click.Path(path_type=Path), default=config.DEFAULT_PLAYBOOK, show_default=True,
              help="课程剧本：课程天数、导师、券和问卷的名称 / course playbook (days, advisors, labels).")
def dashboard(db: Path, port: int, host: str, password: str | None, playbook: Path) -> None:
    """数据看板：转化漏斗、打卡率、连续打卡、家乡、实操、优惠名额、满减券、问卷（Datasette，只读）。

    Data dashboard: Datasette over the database, read-only, with canned queries and charts."""
    from bot.dashboard.gate import PasswordGate, is_loopback

    if not is_loopback(host) and not password:
        click.echo(f"拒绝启动：--host {host} 不是本机地址，必须用 --password 或环境变量 {PASSWORD_ENV} 设置访问密码 "
                   f"(refusing to listen on {host} without a password)", err=True)
        sys.exit(2)

    import uvicorn

    from bot.dashboard.site import DB_NAME, build
    from bot.playbook import PlaybookError, load_playbook
    from bot.storage import connect_readonly

    try:
        pb = load_playbook(playbook)
    except PlaybookError as exc:
        click.echo(f"bad playbook:\n{exc}", err=True)
        sys.exit(2)
    connect_readonly(db).conn.close()  # a missing file, not a bot database or a newer schema: one line, exit 5
    app = build(db, pb, config.advisors(pb)).app()
    if password:
        app = PasswordGate(app, password)
    try:  # a port in use, or an address not on this machine: one line, not uvicorn's log
        socket.getaddrinfo(host, port)
        with socket.create_server((host.strip("[]"), port)):
            pass
    except OSError as exc:
        click.echo(f"无法监听 cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(3)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    click.echo(f"数据看板 / dashboard: http://{shown}:{port}/  (只读 read-only: {db} as /{DB_NAME}; Ctrl-C 退出)",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
