"""Cart operations: explicit arguments (cart id, user id, token, product id, quantity), their own
transaction, domain errors. No request, no current_user: the views resolve whose cart it is.

Concurrency rests on the database, not on check-then-write: a line is written with INSERT ... ON
CONFLICT (cart_id, product_id) DO UPDATE, whose update only happens while the new quantity stays within
the line maximum, so two tabs adding the same product end with one line and never above the cap.
"""
import secrets
from dataclasses import dataclass

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.cart.models import Cart, CartLine
from app.catalog.models import Product
from app.database import utcnow
from app.extensions import db

MAX_LINE_QUANTITY = 99  # per line, whatever the stock


class CartError(Exception):
    """Base for cart errors; the message is safe to show to the shopper."""


class InvalidQuantity(CartError):
    def __init__(self, message="Enter a whole number of at least 1."):
        super().__init__(message)


class ProductUnavailable(CartError):
    def __init__(self, name, reason):
        self.name, self.reason = name, reason
        super().__init__(f"{name} {reason}.")


class QuantityUnavailable(CartError):
    """More was asked for than one line may hold; `maximum` is what the line may hold in total and
    `addable` how many more can still be added to what is already in the cart."""

    def __init__(self, name, maximum, in_cart=0):
        self.name, self.maximum, self.in_cart = name, maximum, in_cart
        self.addable = max(maximum - in_cart, 0)
        if in_cart:
            message = (f"You can have at most {maximum} of {name} in your cart and already have {in_cart}"
                       + (f", so you can add {self.addable} more." if self.addable else "."))
        else:
            message = f"You can have at most {maximum} of {name} in your cart."
        super().__init__(message)


class LineNotFound(CartError):
    def __init__(self):
        super().__init__("That item is not in your cart.")


def line_maximum(product):
    """The most one line may hold: the stock, and never more than MAX_LINE_QUANTITY."""
    return min(product.stock, MAX_LINE_QUANTITY)


def unavailable_reason(product):
    """Why this product cannot be bought now, or None. `product` may be None (deleted)."""
    if product is None:
        return "is no longer sold"
    if not product.is_active:
        return "is no longer available"
    if product.stock <= 0:
        return "is sold out"
    return None


@dataclass(frozen=True)
class AddOffer:
    """What an add-to-cart form offers for a product now (partials/cart/add_form.html shows it)."""

    orderable: bool
    max_quantity: int  # the quantity box's maximum
    button_label: str


def add_offer(product):
    reason = unavailable_reason(product)
    if reason is None:
        return AddOffer(True, line_maximum(product), "Add to cart")
    return AddOffer(False, 1, "Sold out" if product.is_active else "Unavailable")


@dataclass(frozen=True)
class CheckoutBlocker:
    line: CartLine
    message: str


def line_problem(line):
    """What stops this line from being bought as it is, or None."""
    product = line.product
    reason = unavailable_reason(product)
    if reason:
        return f"{product.name if product else line.name_at_add} {reason}. Remove it to check out."
    if line.quantity > line_maximum(product):
        return f"Only {line_maximum(product)} of {product.name} can be ordered. Lower the quantity to check out."
    return None


def checkout_blockers(cart):
    """Lines that cannot be bought as they are (deleted, deactivated, sold-out products, or more than the
    stock). Checkout refuses to start while this is not empty; an empty cart is checkout's own check."""
    blockers = []
    for line in cart.lines if cart is not None else []:
        message = line_problem(line)
        if message:
            blockers.append(CheckoutBlocker(line, message))
    return blockers


# --- finding and creating carts ----------------------------------------------------------------------

def find_member_cart(user_id):
    return db.session.execute(select(Cart).where(Cart.user_id == user_id)).scalar_one_or_none()


def find_guest_cart(token):
    if not token:
        return None
    return db.session.execute(
        select(Cart).where(Cart.token == token, Cart.user_id.is_(None))
    ).scalar_one_or_none()


def get_or_create_member_cart(user_id):
    """The member's one cart; two first adds at once both end up with the same cart (unique user_id)."""
    now = utcnow()
    db.session.execute(
        _insert(Cart).values(user_id=user_id, created_at=now, updated_at=now).on_conflict_do_nothing(
            index_elements=["user_id"]
        )
    )
    db.session.commit()
    return find_member_cart(user_id)


def create_guest_cart():
    """A new guest cart with a random token (the guest's cookie carries it, signed)."""
    cart = Cart(token=secrets.token_urlsafe(32))
    db.session.add(cart)
    db.session.commit()
    return cart


def cart_item_count(cart_id):
    if cart_id is None:
        return 0
    return db.session.execute(
        select(func.coalesce(func.sum(CartLine.quantity), 0)).where(CartLine.cart_id == cart_id)
    ).scalar_one()


# --- changing lines ----------------------------------------------------------------------------------

def add_to_cart(cart_id, product_id, quantity):
    """Add `quantity` of a product; returns the line. Raises ProductUnavailable, InvalidQuantity, or
    QuantityUnavailable (nothing changed) when the line would exceed its maximum."""
    return add_checked(cart_id, check_addable(product_id, quantity, cart_id), quantity)


def add_checked(cart_id, product, quantity):
    """Add a product that check_addable() has just returned (so a view that checks before creating a
    guest cart checks once). The line's maximum is enforced again by the database, under concurrency."""
    product_id = product.id
    maximum = line_maximum(product)
    now = utcnow()
    insert = _insert(CartLine).values(
        cart_id=cart_id, product_id=product_id, quantity=quantity, unit_price_at_add=product.price,
        name_at_add=product.name, created_at=now, updated_at=now,
    )
    # The shopper saw the current price when adding, so the line's snapshot follows it.
    upsert = insert.on_conflict_do_update(
        index_elements=["cart_id", "product_id"],
        set_={
            "quantity": CartLine.quantity + insert.excluded.quantity,
            "unit_price_at_add": insert.excluded.unit_price_at_add,
            "name_at_add": insert.excluded.name_at_add,
            "updated_at": now,
        },
        where=(CartLine.quantity + insert.excluded.quantity) <= maximum,
    ).returning(CartLine.id)
    # The check above read the line without a lock; the WHERE below is what holds under concurrency.
    line_id = db.session.execute(upsert).scalar_one_or_none()
    if line_id is None:  # the line exists and the update's WHERE refused: over the maximum
        db.session.rollback()
        raise QuantityUnavailable(product.name, maximum, _quantity_in_cart(cart_id, product_id))
    _touch(cart_id, now)
    db.session.commit()
    return db.session.get(CartLine, line_id, populate_existing=True)


def check_addable(product_id, quantity, cart_id=None):
    """The product, if `quantity` of it may be added (to an empty line, or to `cart_id`'s line as it is
    now); raises otherwise. Lets a view refuse before creating a guest cart for nothing."""
    quantity = _checked_quantity(quantity)
    product = db.session.get(Product, product_id, populate_existing=True)
    if product is None:
        raise ProductUnavailable("That product", "is no longer sold")
    reason = unavailable_reason(product)
    if reason:
        raise ProductUnavailable(product.name, reason)
    maximum = line_maximum(product)
    in_cart = _quantity_in_cart(cart_id, product_id) if cart_id is not None else 0
    if quantity + in_cart > maximum:
        raise QuantityUnavailable(product.name, maximum, in_cart)
    return product


def set_line_quantity(cart_id, line_id, quantity):
    """Set a line's quantity; 0 removes the line (returns None). Only lines of `cart_id` are found."""
    quantity = _checked_quantity(quantity, allow_zero=True)
    line = _line_of_cart(cart_id, line_id)
    if quantity == 0:
        return remove_line(cart_id, line_id)
    reason = unavailable_reason(line.product)
    if reason:
        raise ProductUnavailable(line.product.name if line.product else line.name_at_add, reason)
    maximum = line_maximum(line.product)
    if quantity > maximum:
        raise QuantityUnavailable(line.product.name, maximum)
    now = utcnow()
    db.session.execute(
        update(CartLine).where(CartLine.id == line.id, CartLine.cart_id == cart_id).values(quantity=quantity, updated_at=now)
    )
    _touch(cart_id, now)
    db.session.commit()
    return db.session.get(CartLine, line.id, populate_existing=True)


def remove_line(cart_id, line_id):
    line = _line_of_cart(cart_id, line_id)
    db.session.execute(delete(CartLine).where(CartLine.id == line.id, CartLine.cart_id == cart_id))
    _touch(cart_id, utcnow())
    db.session.commit()
    return None


def empty_cart(cart_id):
    """Remove every line; returns how many lines there were."""
    removed = db.session.execute(delete(CartLine).where(CartLine.cart_id == cart_id)).rowcount
    _touch(cart_id, utcnow())
    db.session.commit()
    return removed


def take_ordered_lines(cart_id, quantities):
    """An order was paid: take its quantities ({product_id: quantity}) out of the cart it came from, in
    the caller's transaction (no commit). Only what was ordered goes: a line added in another tab while
    paying stays, and a line raised since keeps the difference."""
    now = utcnow()
    if quantities:
        ordered = case(quantities, value=CartLine.product_id)  # each line's product -> the quantity ordered
        of_order = (CartLine.cart_id == cart_id, CartLine.product_id.in_(list(quantities)))
        # Lines ordered whole go first, so a line the UPDATE lowers can never then look ordered whole.
        db.session.execute(delete(CartLine).where(*of_order, CartLine.quantity <= ordered)
                           .execution_options(synchronize_session=False))
        db.session.execute(update(CartLine).where(*of_order, CartLine.quantity > ordered)  # (changed meanwhile)
                           .values(quantity=CartLine.quantity - ordered, updated_at=now)
                           .execution_options(synchronize_session=False))
    _touch(cart_id, now)


def purge_guest_carts(older_than):
    """Delete guest carts untouched since `older_than` (their cookie has expired anyway)."""
    removed = db.session.execute(
        delete(Cart).where(Cart.user_id.is_(None), Cart.updated_at < older_than)
    ).rowcount
    db.session.commit()
    return removed


# --- helpers -----------------------------------------------------------------------------------------

def _insert(model):
    """The dialect's INSERT, which has on_conflict_do_update/nothing on both SQLite and PostgreSQL."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def _checked_quantity(quantity, allow_zero=False):
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity()
    if quantity < (0 if allow_zero else 1):
        raise InvalidQuantity("Enter a quantity of 0 or more." if allow_zero else "Enter a quantity of at least 1.")
    return quantity


def _line_of_cart(cart_id, line_id):
    """The line, only if it belongs to this cart: line ids in URLs are guessable, carts are not."""
    line = db.session.execute(
        select(CartLine).where(CartLine.id == line_id, CartLine.cart_id == cart_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if line is None or cart_id is None:
        raise LineNotFound()
    return line


def _quantity_in_cart(cart_id, product_id):
    return db.session.execute(
        select(CartLine.quantity).where(CartLine.cart_id == cart_id, CartLine.product_id == product_id)
    ).scalar_one_or_none() or 0


def _touch(cart_id, now):
    """Keep the cart's updated_at as its last activity (guest carts are purged by it)."""
    db.session.execute(update(Cart).where(Cart.id == cart_id).values(updated_at=now))
