"""Shared column helpers for the domain models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


MAX_ID = 2**31 - 1  # the largest SQL INTEGER, the type of every id column; bigger ids are not found


def utcnow():
    return datetime.now(timezone.utc)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )


def configure_sqlite_connections():
    """SQLite only: enforce foreign keys (ON DELETE rules), wait for locks instead of failing at once,
    and use WAL so readers never block the writer. Registered once; harmless for PostgreSQL."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if getattr(configure_sqlite_connections, "done", False):
        return
    configure_sqlite_connections.done = True

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def commit_keeping_loaded(session):
    """Commit without expiring what the session holds (a plain commit expires every loaded object, so
    the next attribute read goes back to the database for each of them).

    For a request that goes on with rows it has just written itself: what it wrote is what the database
    holds, and reading it all back after every commit cost the order path a dozen statements. Only use
    it where a stale read cannot decide anything: every status change is a conditional UPDATE
    (app.orders.status.transition), so a change made meanwhile by another writer is still caught."""
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep
