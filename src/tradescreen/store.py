"""The release store: every imported list release, its entities and its problems, in SQL.

Storage sits behind SQLAlchemy Core so the embedded SQLite default and a team's PostgreSQL run
the same code. Entity bodies are stored once per distinct content (keyed by content hash) and
releases point at them, so a daily update that changes forty entries costs forty rows of new
data rather than a fresh copy of the whole list. A release only becomes active in the same
transaction that stored all of its entities, so a crash or a bad file can never leave a source
half-updated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection

from tradescreen.entity import Entity, canonical_json
from tradescreen.settings import Settings
from tradescreen.sources.base import ParseIssue

metadata = MetaData()

releases = Table(
    "releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False, index=True),
    Column("origin", Text, nullable=False),
    Column("fetched_at", String(40), nullable=False),
    Column("published", String(40)),
    Column("content_hash", String(64), nullable=False),
    Column("entity_count", Integer, nullable=False, default=0),
    Column("record_count", Integer, nullable=False, default=0),
    Column("schemata", Text, nullable=False, default="{}"),
    #: active | superseded | rejected | failed
    Column("status", String(20), nullable=False),
    Column("message", Text),
    Column("issue_count", Integer, nullable=False, default=0),
)

entity_data = Table(
    "entity_data",
    metadata,
    Column("hash", String(40), primary_key=True),
    Column("data", Text, nullable=False),
)

release_entities = Table(
    "release_entities",
    metadata,
    Column("release_id", Integer, ForeignKey("releases.id"), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("schema", String(50), nullable=False),
    Column("target", Boolean, nullable=False),
    Column("hash", String(40), ForeignKey("entity_data.hash"), nullable=False),
)

release_issues = Table(
    "release_issues",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", Integer, ForeignKey("releases.id"), nullable=False, index=True),
    Column("severity", String(10), nullable=False),
    Column("file", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("field", Text),
    Column("message", Text, nullable=False),
)

active_releases = Table(
    "active_releases",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("release_id", Integer, ForeignKey("releases.id"), nullable=False),
    Column("switched_at", String(40), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Release:
    id: int
    source: str
    origin: str
    fetched_at: str
    published: str | None
    content_hash: str
    entity_count: int
    record_count: int
    schemata: dict[str, int]
    status: str
    message: str | None
    issue_count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "origin": self.origin,
            "fetched_at": self.fetched_at,
            "published": self.published,
            "content_hash": self.content_hash,
            "entities": self.entity_count,
            "records": self.record_count,
            "schemata": self.schemata,
            "status": self.status,
            "message": self.message,
            "issues": self.issue_count,
        }


@dataclass(slots=True)
class NewRelease:
    """A release about to be stored: what the importer hands the store."""

    source: str
    origin: str
    content_hash: str
    published: str | None
    entities: Sequence[Entity]
    issues: Sequence[ParseIssue] = field(default_factory=list)
    fetched_at: str = field(default_factory=lambda: utcnow())
    message: str | None = None


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _row_to_release(row: Any) -> Release:
    return Release(
        id=row.id,
        source=row.source,
        origin=row.origin,
        fetched_at=row.fetched_at,
        published=row.published,
        content_hash=row.content_hash,
        entity_count=row.entity_count,
        record_count=row.record_count,
        schemata=json.loads(row.schemata or "{}"),
        status=row.status,
        message=row.message,
        issue_count=row.issue_count,
    )


def _insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose primary key exists (shared entity bodies)."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:  # portable fallback: look before inserting
        keys = [r["hash"] for r in rows]
        existing = set(conn.execute(select(table.c.hash).where(table.c.hash.in_(keys))).scalars())
        fresh = [r for r in rows if r["hash"] not in existing]
        if fresh:
            conn.execute(table.insert(), fresh)


class ReleaseStore:
    """Releases of every source, with one active release per source."""

    def __init__(self, engine: Engine):
        self.engine = engine
        metadata.create_all(engine)

    @classmethod
    def open(cls, settings: Settings) -> ReleaseStore:
        if settings.database_url.startswith("sqlite:///"):
            settings.home.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.database_url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return cls(engine)

    # -- writing -------------------------------------------------------------------------

    def store_release(self, new: NewRelease, activate: bool = True) -> Release:
        """Store a release with all its entities and issues; activate it in the same transaction."""
        entity_rows: list[dict[str, Any]] = []
        data_rows: dict[str, dict[str, Any]] = {}
        schemata: dict[str, int] = {}
        seen: set[str] = set()
        for entity in new.entities:
            if entity.id in seen:
                raise ValueError(f"{new.source}: entity id {entity.id!r} occurs twice in one release")
            seen.add(entity.id)
            body = canonical_json(entity.to_dict())
            digest = hashlib.sha1(body.encode("utf-8")).hexdigest()  # = entity.content_hash(), computed once
            data_rows.setdefault(digest, {"hash": digest, "data": body})
            entity_rows.append(
                {"entity_id": entity.id, "schema": entity.schema, "target": entity.target, "hash": digest}
            )
            if entity.target:
                schemata[entity.schema] = schemata.get(entity.schema, 0) + 1
        with self.engine.begin() as conn:
            release_id = conn.execute(
                releases.insert().values(
                    source=new.source,
                    origin=new.origin,
                    fetched_at=new.fetched_at,
                    published=new.published,
                    content_hash=new.content_hash,
                    entity_count=sum(schemata.values()),
                    record_count=len(entity_rows),
                    schemata=json.dumps(schemata, sort_keys=True),
                    status="active" if activate else "stored",
                    message=new.message,
                    issue_count=len(new.issues),
                )
            ).inserted_primary_key
            release_id = int(release_id[0])  # type: ignore[index]
            _insert_ignore(conn, entity_data, list(data_rows.values()))
            for row in entity_rows:
                row["release_id"] = release_id
            if entity_rows:
                conn.execute(release_entities.insert(), entity_rows)
            self._store_issues(conn, release_id, new.issues)
            if activate:
                self._activate(conn, new.source, release_id)
        release = self.get_release(release_id)
        assert release is not None
        return release

    def record_failure(
        self, source: str, origin: str, status: str, message: str, issues: Iterable[ParseIssue] = (),
        content_hash: str = "", published: str | None = None, entity_count: int = 0,
    ) -> Release:
        """Keep a trace of a refused or failed update; the active release is not touched."""
        issues = list(issues)
        with self.engine.begin() as conn:
            release_id = conn.execute(
                releases.insert().values(
                    source=source, origin=origin, fetched_at=utcnow(), published=published,
                    content_hash=content_hash, entity_count=entity_count, record_count=0,
                    schemata="{}", status=status, message=message, issue_count=len(issues),
                )
            ).inserted_primary_key
            release_id = int(release_id[0])  # type: ignore[index]
            self._store_issues(conn, release_id, issues)
        release = self.get_release(release_id)
        assert release is not None
        return release

    def _store_issues(self, conn: Connection, release_id: int, issues: Iterable[ParseIssue]) -> None:
        rows = [
            {"release_id": release_id, "severity": i.severity, "file": i.file, "location": i.location,
             "field": i.field, "message": i.message}
            for i in issues
        ]
        if rows:
            conn.execute(release_issues.insert(), rows)

    def _activate(self, conn: Connection, source: str, release_id: int) -> None:
        previous = conn.execute(
            select(active_releases.c.release_id).where(active_releases.c.source == source)
        ).scalar_one_or_none()
        if previous is not None:
            conn.execute(update(releases).where(releases.c.id == previous).values(status="superseded"))
            conn.execute(
                update(active_releases)
                .where(active_releases.c.source == source)
                .values(release_id=release_id, switched_at=utcnow())
            )
        else:
            conn.execute(active_releases.insert().values(source=source, release_id=release_id, switched_at=utcnow()))
        conn.execute(update(releases).where(releases.c.id == release_id).values(status="active"))

    # -- reading -------------------------------------------------------------------------

    def get_release(self, release_id: int) -> Release | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(releases).where(releases.c.id == release_id)).first()
        return _row_to_release(row) if row else None

    def active(self, source: str | None = None) -> list[Release]:
        query = select(releases).join(active_releases, active_releases.c.release_id == releases.c.id)
        if source:
            query = query.where(active_releases.c.source == source)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(releases.c.source)).all()
        return [_row_to_release(r) for r in rows]

    def history(self, source: str) -> list[Release]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(releases).where(releases.c.source == source).order_by(releases.c.id)).all()
        return [_row_to_release(r) for r in rows]

    def issues(self, release_id: int) -> list[ParseIssue]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(release_issues).where(release_issues.c.release_id == release_id).order_by(release_issues.c.id)
            ).all()
        return [ParseIssue(r.file, r.location, r.field, r.message, r.severity) for r in rows]

    def entity_hashes(self, release_id: int, targets_only: bool = False) -> dict[str, str]:
        query = select(release_entities.c.entity_id, release_entities.c.hash).where(
            release_entities.c.release_id == release_id
        )
        if targets_only:
            query = query.where(release_entities.c.target.is_(True))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {r.entity_id: r.hash for r in rows}

    def entities(self, release_ids: Sequence[int], ids: Sequence[str] | None = None,
                 targets_only: bool = False) -> list[Entity]:
        if ids is not None and len(ids) > 5000:  # stay under SQL parameter limits
            ids = list(ids)
            out: list[Entity] = []
            for start in range(0, len(ids), 5000):
                out.extend(self.entities(release_ids, ids[start:start + 5000], targets_only))
            return out
        query = (
            select(entity_data.c.data)
            .select_from(release_entities.join(entity_data, entity_data.c.hash == release_entities.c.hash))
            .where(release_entities.c.release_id.in_(list(release_ids)))
        )
        if targets_only:
            query = query.where(release_entities.c.target.is_(True))
        if ids is not None:
            query = query.where(release_entities.c.entity_id.in_(list(ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(release_entities.c.release_id, release_entities.c.entity_id)).scalars()
            return [Entity.from_dict(json.loads(data)) for data in rows]

    def active_entities(self, sources: Sequence[str] | None = None, targets_only: bool = False) -> list[Entity]:
        active = [r for r in self.active() if sources is None or r.source in sources]
        if not active:
            return []
        return self.entities([r.id for r in active], targets_only=targets_only)

    def count_releases(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(releases)).scalar_one())


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def load_active_entities(settings: Settings, sources: list[str] | None = None) -> list[Entity]:
    """Every entity of the active release of each source (all sources when `sources` is None)."""
    return ReleaseStore.open(settings).active_entities(sources, targets_only=False)
