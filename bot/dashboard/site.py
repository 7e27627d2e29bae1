"""The dashboard: Datasette over the bot's database opened read-only (sqlite mode=ro, query_only; a write is refused
before it reaches SQLite), with the canned queries of queries.yaml and a datasette-dashboards page of their charts
as the main page. The SQL's placeholders come from the playbook (course days, advisors, coupon and survey labels)."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Iterable

import yaml
from datasette import hookimpl
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm
from datasette.utils.asgi import Response

QUERIES = Path(__file__).with_name("queries.yaml")
DB_NAME = "bot"  # the database's name in every URL, whatever the file is called
SLUG = "cohort"  # the dashboard page: /-/dashboards/cohort, also what / leads to
NOTHING = "SELECT NULL WHERE 0"  # an empty list for `x IN (...)` (NOT IN (NULL) would drop every row)
SETTINGS = {"sql_time_limit_ms": 5000, "allow_download": False, "default_page_size": 100, "suggest_facets": False}


# what people wrote or were told, one by one: never shown (read as NULL), whatever SQL a visitor types
MESSAGE_TEXTS = frozenset({("inbox", "event"), ("outbox", "text"), ("outbox", "asked")})


def hidden_columns(pb) -> frozenset[tuple[str, str]]:
    """The message texts the dashboard never shows: the core's, and what rituals declare private (relayed questions)."""
    declared = {(table, column) for r in pb.chosen for table, column, _ in r.private_texts}
    return MESSAGE_TEXTS | declared


class ReadOnlyDatabase(Database):
    """The bot's file, never written: every connection is mode=ro and query_only; a write connection is refused;
    message texts read as NULL (an SQLite authorizer, so no typed query reaches them)."""

    hidden: frozenset[tuple[str, str]] = MESSAGE_TEXTS

    def _authorize(self, action: int, table: str | None, column: str | None, _db, _trigger) -> int:
        if action == sqlite3.SQLITE_READ and (table, column) in self.hidden:
            return sqlite3.SQLITE_IGNORE
        return sqlite3.SQLITE_OK

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write:
            raise PermissionError("the dashboard never writes the bot's database")
        conn = sqlite3.connect(f"{Path(self.path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = 1")
        conn.set_authorizer(self._authorize)
        self._all_file_connections.append(conn)
        return conn


def _literal(value: object) -> str:
    """An SQL literal: NULL, a number or a quoted string."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _values(name: str, columns: str, rows: list[tuple]) -> str:
    """A CTE of literal rows (an empty one when there are none)."""
    if not rows:
        return f"{name}({columns}) AS (SELECT {', '.join('NULL' for _ in columns.split(','))} WHERE 0)"
    body = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)
    return f"{name}({columns}) AS (VALUES {body})"


def _question_title(text: str) -> str:
    """「你对哪些金融服务感兴趣？（可多选…）」 → 「你对哪些金融服务感兴趣？」"""
    for mark in ("（", "("):
        text = text.split(mark, 1)[0]
    return text.strip()


def placeholders(pb, advisors: Iterable[str]) -> dict[str, str]:
    """What the SQL in queries.yaml leaves to the playbook."""
    coupons = pb.section("coupons").items if pb.has_section("coupons") else []
    questions = pb.section("survey").questions if pb.has_section("survey") else []
    survey_rows = []
    for qi, q in enumerate(questions, 1):
        title = _question_title(q.text)
        if q.kind == "text":
            survey_rows.append((q.id, qi, title, None, 1, "（文字回答：只计人数，不显示内容）"))
        for oi, o in enumerate(q.options, 1):
            survey_rows.append((q.id, qi, title, o.id, oi, o.label))
    offset = datetime.now(pb.tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return {
        "cohorts": "cohorts(room, 期, start_date, course_day) AS (SELECT room, COALESCE(NULLIF(topic, ''), room) "
                   "|| ' · ' || start_date, start_date, course_day FROM groups)",
        "days": str(int(pb.course.days)),
        "task_days": ", ".join(str(int(d.day)) for d in pb.days if d.task) or NOTHING,
        "advisors": ", ".join(_literal(a) for a in sorted(advisors)) or NOTHING,
        "coupon_labels": _values("coupon_labels", "id, label, rank", [
            (c.id, f"满{c.min_invest}元减{c.amount}元", i) for i, c in enumerate(coupons, 1)]),
        "survey_labels": _values("survey_labels", "question, q_rank, 题目, option, o_rank, 回答", survey_rows),
        "tz": _literal(f"{minutes:+d} minutes"),
    }


def metadata(pb, advisors: Iterable[str]) -> dict:
    """Datasette metadata: the canned queries, and the dashboard (one chart per query, metric cards for the overview)."""
    spec = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    values = placeholders(pb, advisors)
    queries, charts = {}, {}
    chosen = set(pb.rituals) if getattr(pb, "rituals", None) else None
    layout = spec["layout"]
    for name, q in spec["queries"].items():
        if "ritual" in q and chosen is not None and q["ritual"] not in chosen:  # its table is not there
            layout = [[cell for cell in row if cell != name] for row in layout]
            continue
        sql = Template(q["sql"]).substitute(values)
        queries[name] = {"title": q["title"], "description": q["description"], "sql": sql}
        for card, metric in q.get("metrics", {}).items():
            charts[card] = {"title": metric["title"], "db": DB_NAME, "query": sql, "library": "metric",
                            "display": {"field": metric["field"], "suffix": metric.get("suffix", "")}}
        if "chart" in q:
            charts[name] = {"title": q["title"], "db": DB_NAME, "query": sql, "library": "vega-lite", "display": q["chart"]}
    return {
        "title": spec["title"],
        "description": spec["description"],
        "databases": {DB_NAME: {"title": "机器人数据库（只读）", "queries": queries}},
        "plugins": {"datasette-dashboards": {SLUG: {
            "title": spec["title"], "description": spec["description"], "layout": [r for r in layout if r],
            "charts": charts}}},
    }


class _MainPage:
    """A Datasette plugin: the main page is the dashboard."""

    @staticmethod
    @hookimpl
    def register_routes():
        async def to_dashboard(datasette):
            return Response.redirect(datasette.urls.path(f"/-/dashboards/{SLUG}"))

        return [(r"^/$", to_dashboard)]


def build(db_path: Path, pb, advisors: Iterable[str]) -> Datasette:
    """The Datasette instance (not yet serving) over `db_path`, read-only."""
    if not pm.is_registered(_MainPage):
        pm.register(_MainPage, name="bot-dashboard-main-page")
    ds = Datasette(metadata=metadata(pb, advisors), settings=SETTINGS)
    ds.remove_database("_memory")
    database = ReadOnlyDatabase(ds, path=str(Path(db_path).resolve()), is_mutable=True)
    database.hidden = hidden_columns(pb)
    ds.add_database(database, name=DB_NAME)
    return ds
