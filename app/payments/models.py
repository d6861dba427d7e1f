"""Payments: one row per gateway transaction we asked for (a sale attempt, a refund).

A sale row is written and committed *before* the gateway is called, with status "pending": if the call
times out or the process dies, the row says a charge may exist, and `flask payments reconcile` asks the
gateway (search by order number) instead of guessing.
"""
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.database import TimestampMixin
from app.extensions import db

# pending: asked, no answer yet (or the answer was lost: timeout, 5xx)
# authorized / submitted / settled: money approved, captured, arrived
# declined: processor declined, gateway rejected or invalid; nothing charged
# voided / settlement_declined / refunded (refund rows) / failed (a refund the gateway refused)
PAYMENT_STATUSES = ("pending", "authorized", "submitted", "settled", "declined", "voided",
                    "settlement_declined", "refunded", "failed")
APPROVED_STATUSES = ("authorized", "submitted", "settled")


class Payment(TimestampMixin, db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True, nullable=False)
    provider: Mapped[str] = mapped_column(String(20), nullable=False, default="braintree")  # braintree | test
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="sale")  # sale | refund
    # "<order number>-<attempt>" for sales, "<order number>-r<n>" for refunds: unique, so one attempt
    # number can only ever be one gateway call.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    transaction_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)  # minor units
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    gateway_status: Mapped[str] = mapped_column(String(40), nullable=False, default="")  # the gateway's own word
    response_code: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    method: Mapped[str] = mapped_column(String(80), nullable=False, default="")  # "Visa ending 1111"
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")  # what went wrong, for admins

    # Order.payments (oldest first) comes from here, so app.orders never imports app.payments.
    order = relationship("Order", backref=backref("payments", order_by="Payment.id", cascade="all, delete-orphan",
                                                  passive_deletes=True))

    @property
    def is_approved(self):
        return self.status in APPROVED_STATUSES
