"""place_order: turn a cart into an order, once per review form.

In one transaction: the order (numbered now, before any payment, so the gateway gets it as order_id),
its line snapshots, the stock taken line by line with conditional UPDATEs, and the "placed" event. The
charge happens afterwards, outside this transaction (app.payments.services.pay_order).

The review form's idempotency token is the order's unique `idempotency_key`: a double click, a replayed
POST or a second tab finds the order the first request made (a concurrent insert of the same token hits
the unique constraint and returns that order) and never makes a second one.
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.cart.services import checkout_blockers
from app.cart.summary import load_cart
from app.database import commit_keeping_loaded, utcnow
from app.extensions import db
from app.money import format_money
from app.orders.models import Order, OrderEvent, OrderLine
from app.orders.pricing import Quote, QuoteLine, ShippingMethod, differences, make_quote
from app.orders.status import OrderError, transition
from app.orders.stock import OutOfStock, refresh_search, take_stock

log = logging.getLogger(__name__)

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone


class OrderNotPlaced(OrderError):
    pass


class CartEmpty(OrderNotPlaced):
    def __init__(self):
        super().__init__("Your cart is empty.")


class CartNotOrderable(OrderNotPlaced):
    def __init__(self, messages):
        self.messages = messages
        super().__init__(" ".join(messages))


class QuoteChanged(OrderNotPlaced):
    """What the shopper saw is no longer what the order would cost; `changes` says how, `quote` is new."""

    def __init__(self, changes, quote):
        self.changes, self.quote = changes, quote
        super().__init__("Your order changed since you reviewed it: " + " ".join(changes))


@dataclass(frozen=True)
class Placement:
    order: Order
    outcome: str  # "placed" (new), "reopened" (a failed payment is being retried), "existing"


def new_order_number(now=None):
    """"YYMMDD-XXXXXX": readable, sortable by day, and not a counter that tells how much the shop sells."""
    now = now or utcnow()
    return f"{now:%y%m%d}-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))


def quote_lines(cart):
    """The cart's lines at the products' current prices (the caller has checked there are no blockers)."""
    return [QuoteLine(product_id=line.product_id, name=line.product.name, unit_price=line.product.price,
                      quantity=line.quantity, sku=line.product.sku) for line in cart.lines]


def quote_for_cart(cart, rules, shipping_method, address):
    return make_quote(quote_lines(cart), rules, shipping_method, address.get("country", ""), address.get("region", ""))


def quote_of_order(order, rules):
    """The order as a Quote, to compare with what the cart would cost now."""
    lines = tuple(QuoteLine(product_id=line.product_id, name=line.name, unit_price=line.unit_price,
                            quantity=line.quantity, sku=line.sku) for line in order.lines)
    method = rules.method(order.shipping_method) or ShippingMethod(order.shipping_method, order.shipping_method_name,
                                                                   order.shipping)
    return Quote(lines=lines, currency=order.currency, shipping_method=method, shipping=order.shipping,
                 tax_rate=order.tax_rate, tax=order.tax)


def order_by_token(token):
    return db.session.execute(select(Order).where(Order.idempotency_key == token)).scalar_one_or_none()


def checked_cart(cart_id):
    """The cart with its lines, if it can be ordered as it is; CartEmpty / CartNotOrderable otherwise."""
    return orderable(load_cart(cart_id))


def orderable(cart):
    """`cart` (loaded with its lines and products) if it can be ordered as it is; CartEmpty /
    CartNotOrderable otherwise."""
    if cart is None or not cart.lines:
        raise CartEmpty()
    blockers = checkout_blockers(cart)
    if blockers:
        raise CartNotOrderable([blocker.message for blocker in blockers])
    return cart


LOOK_UP = object()  # place_order(existing=...): not read by the caller


def place_order(*, token, cart_id, user_id, email, address, shipping_method, seen, rules, hold_minutes,
                now=None, cart=None, existing=LOOK_UP):
    """The order for this review form (`token`): the one already made with it, or a new one.

    `seen` is the quote the shopper was shown (Quote.compact()); if the cart would now cost something
    else, QuoteChanged says what changed and nothing is made. OutOfStock when a line cannot be taken.
    `cart` is the cart `cart_id` if the caller has just loaded it (app.cart.summary.load_cart); it is
    read here otherwise. Either way the stock is only ever taken by conditional UPDATEs. `existing` is
    order_by_token(token) if the caller has just read it (None: no order yet); read here otherwise. (A
    concurrent submit that makes the order in between is caught by the token's unique constraint.)

    The returned order stays loaded after the commit (the payment that follows reads it, and the
    rows are the ones just written)."""
    if existing is LOOK_UP:
        existing = order_by_token(token)
    if existing is not None:
        return _existing(existing, cart_id, rules, hold_minutes, now)
    cart = orderable(cart) if cart is not None else checked_cart(cart_id)
    quote = quote_for_cart(cart, rules, shipping_method, address)
    if quote.shipping_method is None:
        raise OrderNotPlaced("Choose a shipping method first.")
    changes = differences(seen, quote) if seen is not None else []
    if changes:
        raise QuoteChanged(changes, quote)
    now = now or utcnow()
    for attempt in range(3):
        try:
            order = _new_order(token, cart_id, user_id, email, address, quote, hold_minutes, now)
            take_stock(order)
            commit_keeping_loaded(db.session())
        except OutOfStock:
            db.session.rollback()
            raise
        except IntegrityError:
            db.session.rollback()
            same = order_by_token(token)
            if same is not None:  # a concurrent submit of the same form made it first
                return Placement(same, "existing")
            log.warning("order number collision, drawing another (attempt %d)", attempt + 1)
            continue
        refresh_search()
        return Placement(order, "placed")
    raise OrderNotPlaced("We could not number your order. Please try again.")


def _new_order(token, cart_id, user_id, email, address, quote, hold_minutes, now):
    order = Order(
        number=new_order_number(now), user_id=user_id, email=email.strip().lower(), status="pending_payment",
        currency=quote.currency, subtotal=quote.subtotal, shipping=quote.shipping, tax=quote.tax,
        total=quote.total, refunded=0, shipping_method=quote.shipping_method.code,
        shipping_method_name=quote.shipping_method.name, tax_rate=quote.tax_rate, idempotency_key=token,
        cart_id=cart_id, stock_taken=True, hold_until=now + timedelta(minutes=hold_minutes),
        payment_attempts=0, payment_message="", created_at=now, updated_at=now,
        **{f"ship_{field}": (address.get(field) or "").strip() for field in
           ("name", "line1", "line2", "city", "region", "postcode", "country", "phone")},
    )
    order.lines = [OrderLine(product_id=line.product_id, sku=line.sku, name=line.name, unit_price=line.unit_price,
                             quantity=line.quantity, line_total=line.line_total) for line in quote.lines]
    order.events = [OrderEvent(kind="status", from_status=None, to_status="pending_payment", actor="shopper",
                               reason=f"Order placed: {quote.item_count} items, total "
                                      f"{format_money(quote.total, quote.currency)}; stock taken.", created_at=now)]
    db.session.add(order)
    db.session.flush()  # a duplicate token or number surfaces here
    return order


def _existing(order, cart_id, rules, hold_minutes, now):
    """A form already used: the same order, or, if its payment failed, the same order opened for another
    try (its stock taken again) as long as the cart still matches it."""
    if order.status != "payment_failed":
        return Placement(order, "existing")
    cart = checked_cart(cart_id)
    fresh = make_quote(quote_lines(cart), rules, order.shipping_method, order.ship_country, order.ship_region)
    changes = differences(quote_of_order(order, rules).compact(), fresh)
    if changes:
        # The cart changed after the failed payment: this order is replaced by a fresh review.
        transition(order, "cancelled", "Replaced: the cart changed after a failed payment.", actor="shopper")
        db.session.commit()
        raise QuoteChanged(changes, fresh)
    now = now or utcnow()
    try:
        take_stock(order)
        transition(order, "pending_payment", "The shopper tries another payment.", actor="shopper", now=now,
                   stock_taken=True, hold_until=now + timedelta(minutes=hold_minutes))
        db.session.commit()
    except OutOfStock:
        db.session.rollback()
        raise
    except OrderError:  # another request reopened it first
        db.session.rollback()
        return Placement(db.session.get(Order, order.id, populate_existing=True), "existing")
    refresh_search()
    return Placement(order, "reopened")
