"""Carts: one per member (user_id) or per guest (token from a signed cookie)."""
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import TimestampMixin
from app.extensions import db


class Cart(TimestampMixin, db.Model):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)  # guests
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)  # members

    lines: Mapped[list["CartLine"]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.id"
    )


class CartLine(TimestampMixin, db.Model):
    __tablename__ = "cart_lines"
    __table_args__ = (
        # One line per product: two tabs adding the same product upsert into it.
        UniqueConstraint("cart_id", "product_id", name="uq_cart_lines_cart_product"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), nullable=False)
    # Nullable so a deleted product leaves its line visible (flagged) instead of vanishing.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price_at_add: Mapped[int] = mapped_column(Integer, nullable=False)  # to tell the shopper of changes
    name_at_add: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product = relationship("Product")
