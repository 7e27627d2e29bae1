"""Secrets never reach output: every log record (ours, the SDK's, captured warnings) has them replaced by ***."""
from __future__ import annotations

import logging
import traceback
import warnings

MASK = "***"
_secrets: set[str] = set()
_installed = False


def scrub(text: str) -> str:
    """The text with every registered secret masked (for what is printed without logging)."""
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


def _redacting_factory(base):
    def factory(*args, **kwargs) -> logging.LogRecord:
        record = base(*args, **kwargs)
        if not _secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is left for the handler to report
            return record
        if any(s in message for s in _secrets):
            record.msg, record.args = scrub(message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if any(s in text for s in _secrets):
                record.exc_text, record.exc_info = scrub(text), None
        return record
    return factory


def redact(secret: str | None) -> None:
    """From now on, `secret` is masked in every log record and in warnings (captured into logging)."""
    global _installed
    if not secret or len(secret) < 4:  # masking a 1-3 character string would garble every line
        return
    _secrets.add(secret)
    if not _installed:
        logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory()))
        _installed = True
    if getattr(warnings.showwarning, "__module__", None) != "logging":
        # (again if a warnings.catch_warnings() block restored the original since: a test run does at every test)
        logging.captureWarnings(False)
        logging.captureWarnings(True)
