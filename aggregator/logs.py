"""Log lines for people (text) and for log collectors (JSON), each naming its source.

Whatever runs inside `about_source(name)` (a poll, and so every fetch and parse it does,
in whichever module) logs lines that carry the source's name: `[name]` in text, a
`source` field in JSON. The name travels in a context variable, so the thread pool's
concurrent polls never mix theirs up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

LOG_FORMATS = ("text", "json")
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(source_label)s: %(message)s"

_current_source: ContextVar[str | None] = ContextVar("source", default=None)


@contextmanager
def about_source(name: str) -> Iterator[None]:
    """Every log line emitted inside this block names source `name`."""
    token = _current_source.set(name)
    try:
        yield
    finally:
        _current_source.reset(token)


class _SourceField(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        source = _current_source.get()
        record.source = source
        record.source_label = f" [{source}]" if source else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, source (when known), message."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "source": getattr(record, "source", None),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def setup_logging(verbosity: int, log_format: str = "text") -> None:
    """Log to stderr: warnings only, -v for info, -vv for debug; as text or JSON lines."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler()
    handler.addFilter(_SourceField())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(_TEXT_FORMAT)
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
    if verbosity < 2:
        # APScheduler says "Running job…" / "executed successfully" for every poll at info.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
