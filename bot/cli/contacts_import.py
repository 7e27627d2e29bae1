"""Import existing contacts from a CSV (id,name): add them to the funnel and queue the persona's free-course
invitation in the outbox (paced by the daemon's sender), never to opted-out or already-invited people."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from bot.core.events import Outgoing
from bot.core.names import MAX_NAME, clean_text
from bot.playbook import Playbook
from bot.playbook.dates import calendar_vars
from bot.storage import Store

SOURCE = "import"


class ImportFileError(ValueError):
    """The file cannot be imported at all (unreadable, or no id/name header)."""


@dataclass
class ImportResult:
    """What an import did; `bad` holds one 'line N: problem' per skipped row."""

    queued: int = 0
    opted_out: int = 0
    already: int = 0
    bad: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"queued {self.queued} invitation(s); skipped {self.opted_out} opted out, "
                f"{self.already} already invited; {len(self.bad)} bad row(s)")


def greeting(pb: Playbook, now: datetime | None = None) -> str:
    """The persona greeting with its placeholders filled (the free-course invitation)."""
    now = now or datetime.now(timezone.utc)
    return pb.persona.greeting.format(**{**pb.persona_vars(), **calendar_vars(now, pb.tz, None)}).strip()


def _rows(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """(line number, id, name) or (line number, None, problem) per data row; the whole file is checked first."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel writes a BOM
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    if "id" not in header or "name" not in header:
        raise ImportFileError(f"{path}: line 1: the header must name the columns id,name (got {','.join(header) or 'nothing'})")
    i_id, i_name = header.index("id"), header.index("name")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, f"unreadable ({exc})"
            continue
        if not any(c.strip() for c in row):
            continue  # a blank line
        if len(row) <= max(i_id, i_name):
            yield reader.line_num, None, f"expected the columns id,name, got {len(row)} field(s)"
            continue
        contact, name = row[i_id].strip(), clean_text(row[i_name], MAX_NAME)
        if not contact or any(c.isspace() for c in contact):
            yield reader.line_num, None, f"bad id {contact!r}"
            continue
        yield reader.line_num, contact, name


def count_rows(path: str | Path) -> int | None:
    """About how many data rows a CSV has (its lines but the header), for a progress bar; None if unreadable."""
    try:
        with open(path, "rb") as f:
            return max(sum(1 for _ in f) - 1, 0)
    except OSError:
        return None


def import_contacts(store: Store, pb: Playbook, path: str | Path, now: datetime | None = None,
                    on_row: Callable[[], object] = lambda: None) -> ImportResult:
    """Add each contact (source 'import') and queue the invitation once; each row is its own short transaction,
    so a running daemon on the same database only ever waits milliseconds."""
    now = now or datetime.now(timezone.utc)
    text = greeting(pb, now)
    if not text:
        raise ImportFileError("the playbook has no persona.greeting to send")
    result = ImportResult()
    funnel = store.funnel
    for line, contact, name in _rows(Path(path)):
        on_row()
        if contact is None:
            result.bad.append(f"line {line}: {name}")
            continue
        with store.tx():
            funnel.ensure_contact(contact, name, SOURCE, now)
            if not funnel.has_stage(contact, "imported"):
                funnel.stage(contact, "imported", now)
            if funnel.opted_out(contact):
                result.opted_out += 1
            elif funnel.has_stage(contact, "greeted") or funnel.invited_to(contact):
                result.already += 1
            else:
                store.outbox.enqueue(Outgoing(None, contact, text), now, priority=1)  # behind replies to people
                funnel.stage(contact, "greeted", now, detail=SOURCE)
                funnel.log_marketing(contact, "import_greeting", now)
                result.queued += 1
    return result
