"""A persistent, crash-safe verdict cache.

Verdicts are data (see DESIGN.md): each one is stored with the judge id and revision, the prompt
version, the content hashes of the input, of both outputs *in the order they were shown*, of the
gold reference, and the image-size cap the judge saw. A later run with the same judge looks the
pair up by those keys, so re-runs and newly added models only judge pairs never seen before.

Why SQLite (stdlib ``sqlite3``) rather than an fsync'd JSONL file:

* **Atomic batches.** Each judged batch is written in one transaction. SQLite's journal makes a
  transaction all-or-nothing across ``kill -9`` and power loss, so a killed run leaves either
  the whole batch or none of it. A JSONL file can be left with a torn last line that every
  reader then has to detect and skip.
* **Durability.** WAL mode with ``synchronous=FULL`` fsyncs the log at every commit, so a
  committed batch survives the crash that follows it.
* **Lookups without loading everything.** Keys are indexed; resuming a 100k-verdict run does
  not read the whole history into memory.
* **Several writers.** Two runs sharing one cache file are serialised by SQLite's own locking
  (with a busy timeout) instead of interleaving partial lines.

The table is append-only: rows are only ever inserted (``INSERT OR IGNORE``), never updated, so a
verdict once stored is what every later run reads.

Scoring judges (prompt + media in, named numbers out) keep their results in a second table,
``scores``, of the same file under a :class:`ScoreKey`: a scored item is not a pair, so it has no
order shown, only the hashes of the prompt, the media and the question it was asked.

The file carries a schema version (SQLite's ``user_version``). Version 0, written before scored
items could be videos, named the media hash ``image_hash`` and did not record the media type;
opening such a file renames the column and records its rows as ``image/*``, in one transaction, so
every score cached by earlier releases is read again under the same key.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from genjudge.judges.protocol import VERDICT_LABELS, Verdict

_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    key TEXT PRIMARY KEY,
    judge_id TEXT NOT NULL,
    revision TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    shown_first_hash TEXT NOT NULL,
    shown_second_hash TEXT NOT NULL,
    reference_hash TEXT,
    max_image_side INTEGER,
    winner TEXT NOT NULL,
    probabilities TEXT NOT NULL,
    raw TEXT,
    created_at REAL NOT NULL
)
"""

_SCORES_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
    key TEXT PRIMARY KEY,
    judge_id TEXT NOT NULL,
    revision TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    media_hash TEXT NOT NULL,
    question_hash TEXT,
    max_image_side INTEGER,
    scores TEXT NOT NULL,
    created_at REAL NOT NULL,
    media_type TEXT NOT NULL DEFAULT 'image/*'
)
"""

SCHEMA_VERSION = 1
# Version 0 -> 1: the scores table's media hash was image-only and had no media type.
_MIGRATE_0_TO_1 = (
    "ALTER TABLE scores RENAME COLUMN image_hash TO media_hash",
    "ALTER TABLE scores ADD COLUMN media_type TEXT NOT NULL DEFAULT 'image/*'",
)


@dataclass(frozen=True)
class CacheKey:
    """Everything that decides a verdict.

    The two outputs are recorded in the order the judge saw them (``shown_first_hash`` was
    shown as A): the order shown is part of the key, and the stored winner is relative to it.
    ``max_image_side`` is the image-size cap the judge saw (``None`` = full size), because a
    downscaled image can change a verdict.
    """

    judge_id: str
    revision: str
    prompt_version: str
    input_hash: str
    shown_first_hash: str
    shown_second_hash: str
    reference_hash: str | None = None
    max_image_side: int | None = None

    @property
    def digest(self) -> str:
        """One sha256 over all fields, used as the primary key."""
        fields = (
            self.judge_id,
            self.revision,
            self.prompt_version,
            self.input_hash,
            self.shown_first_hash,
            self.shown_second_hash,
            self.reference_hash or "",
            "" if self.max_image_side is None else str(self.max_image_side),
        )
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


@dataclass(frozen=True)
class ScoreKey:
    """Everything that decides the scores of one item: the judge, the prompt the media was made
    for (``""`` for judges that do not read it), the media's bytes (before any capping), the
    question (``None`` for judges that ask none) and the image-size cap the judge saw.

    ``media_type`` is stored with the row but is not part of the digest: the bytes already decide
    what the media is, and leaving it out keeps the digests of scores cached before media types
    were recorded (all images) unchanged.
    """

    judge_id: str
    revision: str
    prompt_version: str
    prompt_hash: str
    media_hash: str
    question_hash: str | None = None
    max_image_side: int | None = None
    media_type: str = "image/*"

    @property
    def digest(self) -> str:
        """One sha256 over the fields that decide the scores (prefixed so it can never equal a
        pairwise key's digest)."""
        fields = (
            "score",
            self.judge_id,
            self.revision,
            self.prompt_version,
            self.prompt_hash,
            self.media_hash,
            self.question_hash or "",
            "" if self.max_image_side is None else str(self.max_image_side),
        )
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


@dataclass(frozen=True)
class CachedVerdict:
    """A stored row: the key it was stored under, the verdict and when it was stored."""

    key: CacheKey
    verdict: Verdict
    created_at: float


class VerdictCache:
    """An append-only verdict store in one SQLite file (created on first use).

    >>> with VerdictCache("verdicts.sqlite") as cache:  # doctest: +SKIP
    ...     cache.put_many([(key, Verdict("A", {"A": 0.9, "B": 0.1}))])
    ...     cache.get_many([key])[key.digest].verdict.winner
    'A'
    """

    def __init__(self, path: str | Path, *, timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise ValueError(f"{self.path} is not a genjudge verdict cache (SQLite said: {err})") from err

    def _migrate(self) -> None:
        """Create the tables, or bring a file written by an earlier release to ``SCHEMA_VERSION``;
        one transaction, so two runs opening the same old file migrate it once."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ValueError(
                    f"{self.path} is a verdict cache of schema version {version}, written by a newer "
                    f"genjudge; this one reads up to version {SCHEMA_VERSION}: upgrade genjudge"
                )
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(scores)")}
            if "image_hash" in columns:
                for statement in _MIGRATE_0_TO_1:
                    self._conn.execute(statement)
            self._conn.execute(_SCHEMA)
            self._conn.execute(_SCORES_SCHEMA)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def get_many(self, keys: Iterable[CacheKey]) -> dict[str, CachedVerdict]:
        """Stored verdicts for the keys that have one, by ``key.digest``."""
        by_digest = {key.digest: key for key in keys}
        found: dict[str, CachedVerdict] = {}
        digests = list(by_digest)
        chunk = 500  # stay well under SQLite's bound-parameter limit
        for start in range(0, len(digests), chunk):
            part = digests[start : start + chunk]
            marks = ",".join("?" * len(part))
            rows = self._conn.execute(
                f"SELECT key, winner, probabilities, raw, created_at FROM verdicts WHERE key IN ({marks})",
                part,
            )
            for digest, winner, probabilities, raw, created_at in rows:
                verdict = Verdict(winner=winner, probabilities=json.loads(probabilities), raw=raw)
                found[digest] = CachedVerdict(by_digest[digest], verdict, created_at)
        return found

    def put_many(self, entries: Sequence[tuple[CacheKey, Verdict]]) -> None:
        """Store a batch of verdicts in one transaction: all of them become durable, or none.

        A key already present keeps its first verdict (append-only).
        """
        now = time.time()
        rows = []
        for key, verdict in entries:
            if verdict.winner not in VERDICT_LABELS:
                raise ValueError(f"cannot cache verdict {verdict.winner!r}: not one of {VERDICT_LABELS}")
            rows.append(
                (
                    key.digest,
                    key.judge_id,
                    key.revision,
                    key.prompt_version,
                    key.input_hash,
                    key.shown_first_hash,
                    key.shown_second_hash,
                    key.reference_hash,
                    key.max_image_side,
                    verdict.winner,
                    json.dumps(dict(verdict.probabilities), sort_keys=True),
                    verdict.raw,
                    now,
                )
            )
        self._write("INSERT OR IGNORE INTO verdicts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def get_scores(self, keys: Iterable[ScoreKey]) -> dict[str, dict[str, float]]:
        """Stored scores for the keys that have them, by ``key.digest``."""
        digests = list({key.digest for key in keys})
        found: dict[str, dict[str, float]] = {}
        chunk = 500
        for start in range(0, len(digests), chunk):
            part = digests[start : start + chunk]
            marks = ",".join("?" * len(part))
            rows = self._conn.execute(f"SELECT key, scores FROM scores WHERE key IN ({marks})", part)
            found.update((digest, json.loads(scores)) for digest, scores in rows)
        return found

    def put_scores(self, entries: Sequence[tuple[ScoreKey, Mapping[str, float]]]) -> None:
        """Store a batch of scores in one transaction (all or none); a key already present keeps
        its first scores. Non-finite numbers are refused: a cached NaN would poison every re-run."""
        now = time.time()
        rows = []
        for key, scores in entries:
            bad = {name: value for name, value in scores.items() if not math.isfinite(value)}
            if bad:
                raise ValueError(f"cannot cache non-finite scores {bad} for judge {key.judge_id!r}")
            rows.append(
                (
                    key.digest,
                    key.judge_id,
                    key.revision,
                    key.prompt_version,
                    key.prompt_hash,
                    key.media_hash,
                    key.question_hash,
                    key.max_image_side,
                    json.dumps({name: float(value) for name, value in scores.items()}, sort_keys=True),
                    now,
                    key.media_type,
                )
            )
        self._write("INSERT OR IGNORE INTO scores VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)

    def _write(self, statement: str, rows: list[tuple[object, ...]]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany(statement, rows)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def rows(self) -> Iterator[dict[str, object]]:
        """Every stored row as a plain dict, oldest first (for export and audits)."""
        cursor = self._conn.execute("SELECT * FROM verdicts ORDER BY created_at, rowid")
        names = [column[0] for column in cursor.description]
        for values in cursor:
            row: dict[str, object] = dict(zip(names, values, strict=True))
            row["probabilities"] = json.loads(str(row["probabilities"]))
            yield row

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> VerdictCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
