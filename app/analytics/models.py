"""Analytics tables: the events themselves, their daily roll-ups for the dashboard, and the queue of
events waiting to be forwarded to an external analytics service."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import db


class Event(db.Model):
    __tablename__ = "analytics_events"
    __table_args__ = (Index("ix_analytics_events_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)  # "search", "product_view", ...
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class DailyMetric(db.Model):
    """One number for one closed day (UTC): `metric` names it ("sessions", "search", ...), `key` tells
    which one when a metric has many (a search query); "" otherwise. Written by `flask analytics rollup`
    (app/analytics/rollup.py); a "rolled_up" row marks a day as done, even a day with no events."""

    __tablename__ = "analytics_daily"

    # The key's order serves the dashboard's reads: one metric over a range of days.
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class ForwardedEvent(db.Model):
    """An event waiting to be sent to the external analytics service (app/analytics/forward.py): written
    with the event when forwarding is on, deleted once the service took it, retried with backoff until
    then, marked "failed" after ANALYTICS_FORWARD_MAX_ATTEMPTS."""

    __tablename__ = "analytics_forward_queue"
    __table_args__ = (Index("ix_analytics_forward_queue_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")  # pending, failed
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
