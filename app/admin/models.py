"""The audit trail: one row per admin action (who, what, when, and the fields it changed)."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import db


class AdminAction(db.Model):
    __tablename__ = "admin_actions"
    __table_args__ = (Index("ix_admin_actions_target", "target_type", "target_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The admin's id and email as they were: the row outlives a deleted or renamed account.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254), nullable=False)
    action: Mapped[str] = mapped_column(String(60), nullable=False)       # "product.update", "order.refund"
    target_type: Mapped[str] = mapped_column(String(40), nullable=False)  # "product", "order", "user", ...
    target_id: Mapped[str] = mapped_column(String(64), nullable=False)
    # {field: [before, after]}; plain JSON values only (money stays in minor units).
    changes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
