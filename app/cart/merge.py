"""Merging a guest's cart into the member's cart at login.

Rules: quantities add up, capped at the line maximum (stock, and 99); lines of products that cannot be
bought now move over flagged (unless the member's cart already holds that product); nothing is dropped
without being named in the report. The guest cart is deleted in the same transaction, and deleting it is
how a merge claims it: a repeated or concurrent login finds nothing left to merge, so nothing is counted
twice.
"""
import logging
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.cart.models import Cart, CartLine
from app.cart.services import find_guest_cart, get_or_create_member_cart, line_maximum, unavailable_reason
from app.extensions import db

log = logging.getLogger(__name__)


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)        # "2 × Lamp"
    reduced: list[str] = field(default_factory=list)      # "Lamp: 1 of 3 added (at most 5 can be ordered)"
    not_added: list[str] = field(default_factory=list)    # "Lamp: you already have the most (5)"
    flagged: list[str] = field(default_factory=list)      # "Lamp (sold out)"

    @property
    def is_empty(self):
        return not (self.added or self.reduced or self.not_added or self.flagged)

    def notice(self):
        """One sentence per kind of outcome, naming every product."""
        parts = ["We merged the cart you filled before logging in."]
        if self.added:
            parts.append(f"Added: {', '.join(self.added)}.")
        if self.reduced:
            parts.append(f"Reduced: {'; '.join(self.reduced)}.")
        if self.not_added:
            parts.append(f"Not added: {'; '.join(self.not_added)}.")
        if self.flagged:
            parts.append(f"Kept but not available to order: {', '.join(self.flagged)}.")
        return " ".join(parts)


def merge_guest_cart(token, user_id, attempts=3):
    """Move the guest cart `token` into the cart of `user_id`; returns a MergeReport, or None when there
    was no guest cart (or another request merged it first). A concurrent add to the member's cart can
    collide with an inserted line (unique cart/product); the merge then simply runs again."""
    for attempt in range(1, attempts + 1):
        try:
            return _merge_once(token, user_id)
        except IntegrityError:
            db.session.rollback()
            if attempt == attempts:
                raise
            log.info("cart merge collided with a concurrent change; retrying (attempt %d)", attempt)


def _merge_once(token, user_id):
    guest = find_guest_cart(token)
    if guest is None:
        return None
    guest_id = guest.id  # read now: the commit below expires `guest`, and another login may delete it
    member = get_or_create_member_cart(user_id)  # commits on its own, before anything is claimed
    guest = db.session.execute(
        select(Cart).where(Cart.id == guest_id).options(selectinload(Cart.lines).selectinload(CartLine.product))
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if guest is None:
        return None
    moving = [(line.product, line.product_id, line.quantity, line.name_at_add, line.unit_price_at_add)
              for line in guest.lines]
    db.session.expunge(guest)  # its rows go with the DELETE below; the session must not flush them
    claimed = db.session.execute(delete(Cart).where(Cart.id == guest_id, Cart.user_id.is_(None))).rowcount
    if claimed != 1:
        db.session.rollback()
        return None
    existing = {
        line.product_id: line
        for line in db.session.execute(
            select(CartLine).where(CartLine.cart_id == member.id).with_for_update()
            .execution_options(populate_existing=True)
        ).scalars()
        if line.product_id is not None
    }
    report = MergeReport()
    for product, product_id, quantity, name_at_add, price_at_add in moving:
        _merge_line(report, member.id, existing, product, product_id, quantity, name_at_add, price_at_add)
    db.session.commit()
    db.session.expire(member)
    return report


def _merge_line(report, cart_id, existing, product, product_id, quantity, name_at_add, price_at_add):
    def new_line(qty):
        line = CartLine(cart_id=cart_id, product_id=product_id, quantity=qty, unit_price_at_add=price_at_add,
                        name_at_add=name_at_add)
        db.session.add(line)
        db.session.flush()  # a unique-constraint collision surfaces here, inside the retry
        if product_id is not None:
            existing[product_id] = line

    name = product.name if product is not None else name_at_add
    reason = unavailable_reason(product)
    if reason:
        if product_id in existing:
            report.not_added.append(f"{quantity} × {name}: it {reason} (it is already in your cart)")
        else:
            new_line(quantity)
            report.flagged.append(f"{quantity} × {name} ({reason.removeprefix('is ')})")
        return
    maximum = line_maximum(product)
    line = existing.get(product_id)
    have = line.quantity if line is not None else 0
    total = min(have + quantity, maximum)
    if total <= have:
        report.not_added.append(f"{quantity} × {name}: your cart already has {have}, the most that can be ordered is {maximum}")
        return
    if line is None:
        new_line(total)
    else:
        line.quantity = total
    if total < have + quantity:
        report.reduced.append(f"{name}: {total - have} of {quantity} added, the most that can be ordered is {maximum}")
    else:
        report.added.append(f"{quantity} × {name}")
