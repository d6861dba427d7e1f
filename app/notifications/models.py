"""Consent and promotions: who may be sent what, every change of mind with its time, and the campaigns.

The current choice lives in one row per member (ContactPreference) or per guest order (OrderSmsConsent), so
a send-time check is one primary-key read; ConsentEvent keeps the history (what, when, from where).
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import TimestampMixin, utcnow
from app.extensions import db

SMS, EMAIL = "sms", "email"
ORDER_UPDATES, NEWS = "order_updates", "news"


class ContactPreference(db.Model):
    """A member's mobile number (E.164) and the two choices; both start off."""
    __tablename__ = "contact_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    mobile_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    sms_order_updates: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    email_news: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class OrderSmsConsent(db.Model):
    """A shopper (guest or member) asked at checkout for this order's updates by SMS to this number."""
    __tablename__ = "order_sms_consents"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class ConsentEvent(db.Model):
    """One change of consent: for a member (user_id) or an order (order_id), a channel and purpose,
    granted or withdrawn, when, and where it came from ("profile", "checkout", "unsubscribe:<promotion>")."""
    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_source", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


PROMOTION_STATUSES = ("draft", "sending", "done")


class Promotion(TimestampMixin, db.Model):
    """A promotional email: composed and previewed as a draft, then sent in batches to opted-in members."""
    __tablename__ = "promotions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    skus: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
