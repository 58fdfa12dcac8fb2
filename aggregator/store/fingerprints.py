"""The SQLite side of the repost index: MinHash signatures and their LSH band keys.

Kept in the archive so the index survives a restart without being rebuilt from the texts.

- ``dedupe_signatures(article_id INTEGER PRIMARY KEY, signature BLOB)``: the signatures
  of one article as little-endian uint32 values (480 bytes), so bands can be recomputed
  and an article's band rows found again when it changes or goes.
- ``dedupe_bands(band_key INTEGER, article_id INTEGER, PRIMARY KEY (band_key,
  article_id)) WITHOUT ROWID``: one row per band of each signature; the primary key is the
  lookup index, clustered: a lookup reads the ranges of all bands of the new article in one
  bounded statement (`postings_up_to`), and a crowded band key's newest rows alone
  (`postings`).
- ``dedupe_meta(key TEXT PRIMARY KEY, value TEXT)``: the fingerprint version the rows were
  made with; rows of another version are dropped (see `ensure_schema`).

Each write joins the caller's transaction when one is open (the store files an article,
its story and its fingerprint in one), and otherwise commits on its own, like sqlite-utils'
writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache

import sqlite_utils

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS dedupe_signatures (
    article_id INTEGER PRIMARY KEY,
    signature BLOB NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS dedupe_bands (
    band_key INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS dedupe_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
)
_VERSION_KEY = "fingerprint_version"


def ensure_schema(db: sqlite_utils.Database, version: int) -> bool:
    """Create the tables if missing; True when rows of another version had to be dropped.

    After True the caller must add every article again: signatures made by other code
    would match nothing made now.
    """
    with _atomically(db):
        for statement in SCHEMA:
            db.execute(statement)
        row = db.execute("SELECT value FROM dedupe_meta WHERE key = ?", [_VERSION_KEY]).fetchone()
        stale = row is not None and row[0] != str(version)
        if stale:
            db.execute("DELETE FROM dedupe_bands")
            db.execute("DELETE FROM dedupe_signatures")
        if row is None or stale:  # written only when it changes: every Store opens this
            db.execute(
                "INSERT OR REPLACE INTO dedupe_meta (key, value) VALUES (?, ?)",
                [_VERSION_KEY, str(version)],
            )
    return stale


def load_signature(db: sqlite_utils.Database, article_id: int) -> bytes | None:
    row = db.execute(
        "SELECT signature FROM dedupe_signatures WHERE article_id = ?", [article_id]
    ).fetchone()
    return row[0] if row else None


def replace(
    db: sqlite_utils.Database,
    article_id: int,
    signature: bytes,
    band_keys: Sequence[int],
    old_band_keys: Sequence[int] = (),
) -> None:
    """Store an article's signature and band rows in place of its old ones."""
    with _atomically(db):
        _delete_rows(db, article_id, old_band_keys)
        db.execute(
            "INSERT OR REPLACE INTO dedupe_signatures (article_id, signature) VALUES (?, ?)",
            [article_id, signature],
        )
        db.conn.executemany(
            "INSERT OR IGNORE INTO dedupe_bands (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in band_keys],
        )


def delete(db: sqlite_utils.Database, article_id: int, band_keys: Sequence[int]) -> None:
    """Forget an article: its signature and the band rows of `band_keys`."""
    with _atomically(db):
        _delete_rows(db, article_id, band_keys)
        db.execute("DELETE FROM dedupe_signatures WHERE article_id = ?", [article_id])


def bulk_insert(
    db: sqlite_utils.Database,
    signatures: Iterable[tuple[int, bytes]],
    band_rows: Iterable[tuple[int, int]],
) -> None:
    """Insert many new articles at once (an initial load): rows sorted by band key go fastest."""
    with _atomically(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO dedupe_signatures (article_id, signature) VALUES (?, ?)",
            signatures,
        )
        db.conn.executemany(
            "INSERT OR IGNORE INTO dedupe_bands (band_key, article_id) VALUES (?, ?)", band_rows
        )


def postings_up_to(
    db: sqlite_utils.Database, band_keys: Sequence[int], limit: int
) -> list[tuple[int, int]]:
    """(band key, article id) rows of all `band_keys`, at most `limit` rows in all.

    One statement, one index seek per key: what a lookup reads when no key is crowded (the
    usual news article). When it returns `limit` rows the read may have stopped short, and
    the caller reads again key by key with `postings`.
    """
    if not band_keys:
        return []
    rows = db.execute(_postings_up_to_statement(len(band_keys)), [*band_keys, limit]).fetchall()
    return [(band_key, article_id) for band_key, article_id in rows]


@cache
def _postings_up_to_statement(keys: int) -> str:
    marks = ",".join("?" * keys)
    return f"SELECT band_key, article_id FROM dedupe_bands WHERE band_key IN ({marks}) LIMIT ?"


def postings(
    db: sqlite_utils.Database, band_keys: Sequence[int], limits: Sequence[int]
) -> list[tuple[int, int]]:
    """(band key, article id) rows of each band key: its `limit` newest articles at most.

    One statement of one bounded index range per key, so a key that a templated family
    shares with thousands of articles costs what its limit allows, not its length.
    """
    if not band_keys:
        return []
    rows = db.execute(
        _postings_statement(len(band_keys)),
        [value for pair in zip(band_keys, limits, strict=True) for value in pair],
    ).fetchall()
    return [(band_key, article_id) for band_key, article_id in rows]


@cache
def _postings_statement(keys: int) -> str:
    # Per key, its postings from the limit-th newest on: two seeks of the primary key and a
    # range (a LIMIT inside a UNION ALL would need a subquery that SQLite scans as a table).
    return " UNION ALL ".join(
        f"SELECT band_key, article_id FROM dedupe_bands WHERE band_key = ?{2 * n + 1}"
        f" AND article_id >= coalesce((SELECT article_id FROM dedupe_bands"
        f" WHERE band_key = ?{2 * n + 1} ORDER BY article_id DESC LIMIT 1 OFFSET ?{2 * n + 2} - 1),"
        " -9223372036854775808)"
        for n in range(keys)
    )


def count(db: sqlite_utils.Database) -> int:
    """How many articles have a signature."""
    return db.execute("SELECT COUNT(*) FROM dedupe_signatures").fetchone()[0]


@contextmanager
def _atomically(db: sqlite_utils.Database) -> Iterator[None]:
    """The caller's open transaction, or one of our own that commits at the end."""
    if db.conn.in_transaction:
        yield
        return
    with db.conn:
        yield


def _delete_rows(db: sqlite_utils.Database, article_id: int, band_keys: Sequence[int]) -> None:
    db.conn.executemany(
        "DELETE FROM dedupe_bands WHERE band_key = ? AND article_id = ?",
        [(key, article_id) for key in band_keys],
    )
