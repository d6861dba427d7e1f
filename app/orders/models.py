"""Orders, their lines and their events.

An order is a snapshot: lines keep name, SKU and unit price, the order keeps the shipping address, the
shipping method and the tax rate it was priced with, so later catalog or settings edits never rewrite
history. Every status change (and every other thing that happens to an order: a webhook, a refund) is an
OrderEvent row with a time and a reason.
"""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import TimestampMixin, utcnow
from app.extensions import db

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postcode", "country", "phone")


class Order(TimestampMixin, db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("total = subtotal + shipping + tax", name="total_adds_up"),
        CheckConstraint("refunded <= total", name="refunds_within_total"),
        Index("ix_orders_email", "email"),
        # The dashboard's reads of sold orders by date (app/analytics/dashboard.py), answered from the
        # index alone: one range per status (status first, so that SQLite prefers it to ix_orders_status
        # without ANALYZE statistics); the id for the join to the lines.
        Index("ix_orders_sold", "status", "created_at", "total", "refunded", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)  # shown to shoppers, sent to the gateway
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)  # lower-cased
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending_payment", index=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    subtotal: Mapped[int] = mapped_column(Integer, nullable=False)
    shipping: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    tax: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False)
    refunded: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # minor units refunded so far
    shipping_method: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    shipping_method_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    tax_rate: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # basis points: 725 = 7.25 %
    # Shipping address snapshot.
    ship_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    ship_line1: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    ship_line2: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    ship_city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    ship_region: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    ship_postcode: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    ship_country: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    ship_phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    # The review form's token: placing it twice, replaying it or double-clicking returns this same order.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The cart it was placed from: its ordered lines are taken out once the payment is approved.
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("carts.id", ondelete="SET NULL"))
    # True while the order's quantities are taken from stock; returning them flips it with a conditional
    # UPDATE, so stock comes back exactly once however many paths try.
    stock_taken: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    tracking_number: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # set when shipped
    # A pending order holds its stock until then; `flask payments reconcile` releases it afterwards
    # (after asking the gateway that nothing was charged).
    hold_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Payment attempts claimed so far (each one is a Payment row); claiming is a conditional UPDATE, so two
    # submits of the same form can never both charge.
    payment_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # What the shopper was told in plain words about the last failed payment.
    payment_message: Mapped[str] = mapped_column(Text, nullable=False, default="")

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id"
    )

    @property
    def item_count(self):
        return sum(line.quantity for line in self.lines)

    @property
    def address(self):
        return {field: getattr(self, f"ship_{field}") for field in ADDRESS_FIELDS}

    @property
    def is_guest(self):
        return self.user_id is None

    def __repr__(self):
        return f"<Order {self.number} {self.status}>"


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("line_total = unit_price * quantity", name="line_total_adds_up"),
        # The dashboard's product sales: the lines of the range's orders, read from the index alone.
        Index("ix_order_lines_sales", "order_id", "product_id", "quantity", "line_total"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True, nullable=False)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    sku: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    unit_price: Mapped[int] = mapped_column(Integer, nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    line_total: Mapped[int] = mapped_column(Integer, nullable=False)

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderEvent(db.Model):
    """One thing that happened to an order. A status change has from_status and to_status; other events
    (a webhook, a note) leave them empty. `external_id` makes an event from outside (a gateway webhook)
    idempotent: the same notification delivered twice is recorded once."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)  # "status", "payment", "webhook", "note"
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    actor: Mapped[str] = mapped_column(String(60), nullable=False, default="system")  # shopper, admin:<id>, gateway, system
    external_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    order: Mapped[Order] = relationship(back_populates="events")
