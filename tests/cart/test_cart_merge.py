"""Merging the guest cart into the member's cart: quantities add up within the caps, the report names
everything, and a repeated merge changes nothing."""
from sqlalchemy import select

from app.cart.merge import merge_guest_cart
from app.cart.models import Cart, CartLine
from app.cart.services import add_to_cart, create_guest_cart, get_or_create_member_cart
from app.cart.summary import load_cart


def quantities(cart_id, db):
    cart = load_cart(cart_id)
    return {(line.product.name if line.product else line.name_at_add): line.quantity for line in cart.lines}


def test_merge_adds_moves_and_caps(db, make_user, make_product, change_product):
    user_id = make_user()
    shared = make_product("Shared lamp", stock=5).id
    guest_only = make_product("Guest mug", stock=10).id
    member_only = make_product("Member pen", stock=10).id
    member = get_or_create_member_cart(user_id)
    add_to_cart(member.id, shared, 4)
    add_to_cart(member.id, member_only, 1)
    guest = create_guest_cart()
    add_to_cart(guest.id, shared, 3)
    add_to_cart(guest.id, guest_only, 2)

    report = merge_guest_cart(guest.token, user_id)

    assert quantities(member.id, db) == {"Shared lamp": 5, "Guest mug": 2, "Member pen": 1}
    assert report.added == ["2 × Guest mug"]
    assert report.reduced == ["Shared lamp: 1 of 3 added, the most that can be ordered is 5"]
    notice = report.notice()
    assert "Added: 2 × Guest mug." in notice and "Reduced: Shared lamp: 1 of 3 added" in notice
    # The guest cart is gone, so the same token merges nothing a second time.
    assert db.session.execute(select(Cart).where(Cart.id == guest.id)).scalar_one_or_none() is None
    assert merge_guest_cart(guest.token, user_id) is None
    assert quantities(member.id, db) == {"Shared lamp": 5, "Guest mug": 2, "Member pen": 1}


def test_merge_creates_the_member_cart_when_there_is_none(db, make_user, make_product):
    user_id = make_user()
    guest = create_guest_cart()
    add_to_cart(guest.id, make_product("Chair").id, 2)
    report = merge_guest_cart(guest.token, user_id)
    member = db.session.execute(select(Cart).where(Cart.user_id == user_id)).scalar_one()
    assert quantities(member.id, db) == {"Chair": 2}
    assert report.added == ["2 × Chair"] and not report.reduced


def test_merge_names_what_could_not_be_added(db, make_user, make_product, change_product):
    user_id = make_user()
    full = make_product("Full lamp", stock=3).id
    sold_out = make_product("Sold-out vase", stock=5).id
    deleted = make_product("Deleted clock", stock=5).id
    hidden_both = make_product("Hidden rug", stock=5).id
    member = get_or_create_member_cart(user_id)
    add_to_cart(member.id, full, 3)
    add_to_cart(member.id, hidden_both, 1)
    guest = create_guest_cart()
    for product_id in (full, sold_out, deleted, hidden_both):
        add_to_cart(guest.id, product_id, 1)
    change_product(sold_out, stock=0)
    change_product(deleted, delete=True)
    change_product(hidden_both, is_active=False)

    report = merge_guest_cart(guest.token, user_id)

    assert report.added == [] and report.reduced == []
    assert report.not_added == [
        "1 × Full lamp: your cart already has 3, the most that can be ordered is 3",
        "1 × Hidden rug: it is no longer available (it is already in your cart)",
    ]
    assert report.flagged == ["1 × Sold-out vase (sold out)", "1 × Deleted clock (no longer sold)"]
    # Flagged lines moved over, visible in the member's cart; nothing vanished unmentioned.
    assert quantities(member.id, db) == {"Full lamp": 3, "Hidden rug": 1, "Sold-out vase": 1, "Deleted clock": 1}
    assert "Kept but not available to order: 1 × Sold-out vase (sold out), 1 × Deleted clock (no longer sold)." in report.notice()


def test_merge_of_an_empty_guest_cart_reports_nothing(db, make_user):
    user_id = make_user()
    guest = create_guest_cart()
    report = merge_guest_cart(guest.token, user_id)
    assert report.is_empty
    assert db.session.execute(select(CartLine)).first() is None


def test_merge_without_a_guest_cart(db, make_user):
    assert merge_guest_cart("no-such-token", make_user()) is None
