"""The message outbox (email and SMS): every message is written here in the same transaction as the
change that causes it, and delivered after commit (and again by `flask messages deliver` until it goes,
gives up, or is skipped because the consent it needed was withdrawn before it left)."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.database import TimestampMixin, utcnow
from app.extensions import db

OUTBOX_STATUSES = ("pending", "sent", "failed", "skipped")
CHANNELS = ("email", "sms")


class OutboxMessage(TimestampMixin, db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # A promotion reaches a member at most once, however often its batches are queued.
        UniqueConstraint("promotion_id", "user_id", name="uq_outbox_messages_promotion_user"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stable Message-ID: a retry re-sends the same message, which mail clients de-duplicate.
    message_id: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    recipient: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="email", server_default="email")
    # What the message is for; a purpose that needs consent is checked again just before sending
    # (app.mail.channels.consent_gates), so a withdrawal between queueing and sending stops it.
    purpose: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    promotion_id: Mapped[int | None] = mapped_column(ForeignKey("promotions.id", ondelete="SET NULL"), index=True)
    headers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # extra email headers
