"""What the cart page shows: each line at the product's current price with its flags, and the totals.

Read-only; the templates get these plain objects and never compute money themselves.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.cart.models import Cart, CartLine
from app.cart.services import line_maximum, line_problem, unavailable_reason
from app.extensions import db


@dataclass(frozen=True)
class LineView:
    line: CartLine
    name: str
    quantity: int
    unit_price: int            # the product's current price (the snapshot if the product is gone)
    line_total: int
    price_at_add: int
    price_changed: bool
    orderable: bool            # the product can be bought now (the quantity may still be too high)
    maximum: int               # the most this line may hold now (0 when not orderable)
    problem: str | None        # why this line blocks checkout, or None
    currency: str = "USD"

    @property
    def id(self):
        return self.line.id

    @property
    def product(self):
        return self.line.product

    @property
    def price_went_up(self):
        return self.unit_price > self.price_at_add


@dataclass(frozen=True)
class CartSummary:
    lines: list[LineView] = field(default_factory=list)
    currency: str = "USD"
    free_shipping_from: int = 0

    @property
    def is_empty(self):
        return not self.lines

    @property
    def item_count(self):
        return sum(view.quantity for view in self.lines)

    @property
    def subtotal(self):
        """What can be ordered now: unavailable lines are listed but not counted."""
        return sum(view.line_total for view in self.lines if view.orderable)

    @property
    def blockers(self):
        return [view for view in self.lines if view.problem]

    @property
    def can_check_out(self):
        return bool(self.lines) and not self.blockers

    @property
    def free_shipping_remaining(self):
        """Minor units still to add for free shipping; None when the hint is off or the cart is empty."""
        if not self.free_shipping_from or not self.lines:
            return None
        return max(self.free_shipping_from - self.subtotal, 0)


def load_cart(cart_id):
    """The cart with its lines and their products, fresh from the database."""
    if cart_id is None:
        return None
    return db.session.execute(
        select(Cart).where(Cart.id == cart_id)
        .options(selectinload(Cart.lines).joinedload(CartLine.product))  # lines and products in one query
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def line_view(line, currency="USD"):
    product = line.product
    orderable = unavailable_reason(product) is None
    unit_price = product.price if product is not None else line.unit_price_at_add
    return LineView(
        line=line,
        name=product.name if product is not None else line.name_at_add,
        quantity=line.quantity,
        unit_price=unit_price,
        line_total=unit_price * line.quantity,
        price_at_add=line.unit_price_at_add,
        price_changed=product is not None and product.price != line.unit_price_at_add,
        orderable=orderable,
        maximum=line_maximum(product) if orderable else 0,
        problem=line_problem(line),
        currency=currency,
    )


def summarize_cart(cart, currency="USD", free_shipping_from=0):
    lines = [line_view(line, currency) for line in cart.lines] if cart is not None else []
    return CartSummary(lines=lines, currency=currency, free_shipping_from=free_shipping_from or 0)
