"""Cart endpoints, each as a full page (plain form post → 303 + flash) and as an htmx fragment."""
import re

import pytest
from sqlalchemy import func, select

from app.cart.models import Cart, CartLine
from app.extensions import db as _db


def count_rows(app, model):
    with app.app_context():
        return _db.session.execute(select(func.count()).select_from(model)).scalar_one()


def cart_lines(app):
    with app.app_context():
        return [(line.name_at_add, line.quantity) for line in
                _db.session.execute(select(CartLine).order_by(CartLine.id)).scalars()]


def line_ids(app):
    with app.app_context():
        return _db.session.execute(select(CartLine.id).order_by(CartLine.id)).scalars().all()


def badge(html):
    return int(re.search(r'id="cart-badge".*?<span class="count">(\d+)</span>', html, re.S).group(1))


@pytest.fixture
def lamp(make_product):
    return make_product("Desk lamp", price=2500, stock=5).id


@pytest.fixture
def mug(make_product):
    return make_product("Mug", price=900, stock=50).id


# --- the cart page ---------------------------------------------------------------------------------

def test_empty_cart_page_and_fragment(app, client, hx):
    page = client.get("/cart")
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert "<html" in html and 'id="cart"' in html and "Your cart is empty" in html
    fragment = client.get("/cart", headers=hx).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="cart"')
    assert count_rows(app, Cart) == 0  # looking creates no cart


def test_browsing_creates_no_cart(app, client, lamp):
    client.get("/")
    client.get("/cart")
    assert count_rows(app, Cart) == 0
    assert "cart" not in {cookie.key for cookie in client._cookies.values()}


# --- add ------------------------------------------------------------------------------------------------

def test_add_without_htmx_redirects_back_with_a_message(app, client, lamp):
    response = client.post("/cart/add", data={"product_id": lamp, "quantity": "2", "next": "/products?page=2"})
    assert response.status_code == 303 and response.headers["Location"] == "/products?page=2"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("cart=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=2592000" in cookie  # 30 days
    assert cart_lines(app) == [("Desk lamp", 2)]
    page = client.get("/cart").get_data(as_text=True)
    assert "Added 2 × Desk lamp to your cart." in page
    assert badge(page) == 2 and "$50.00" in page


def test_add_as_fragment_updates_form_badge_and_live_region(app, client, hx, lamp):
    response = client.post("/cart/add", data={"product_id": lamp, "quantity": "3", "show_quantity": "1",
                                              "next": "/products/desk-lamp"}, headers=hx)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith(f'<form class="add-to-cart"') and f'id="add-to-cart-{lamp}"' in html
    assert "Added to your cart." in html and 'name="quantity"' in html and 'type="number"' in html
    assert 'hx-swap-oob="true"' in html and badge(html) == 3
    assert '<div id="alerts" hx-swap-oob="innerHTML">' in html and "Added 3 × Desk lamp" in html
    assert 'value="/products/desk-lamp"' in html  # still goes back to the product page without JS
    # Nothing was flashed for later: the message was delivered in the fragment.
    assert "Added 3" not in client.get("/cart").get_data(as_text=True).split('id="alerts"')[1].split("</div>")[0]


@pytest.mark.parametrize("next_path", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/ok\r\nSet-Cookie: x"])
def test_add_only_returns_to_same_site_paths(client, lamp, next_path):
    response = client.post("/cart/add", data={"product_id": lamp, "quantity": "1", "next": next_path})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/products/desk-lamp-")


def test_add_falls_back_to_the_same_site_referrer(client, lamp):
    response = client.post("/cart/add", data={"product_id": lamp, "quantity": "1"},
                           headers={"Referer": "http://localhost/products?category=audio"})
    assert response.headers["Location"] == "/products?category=audio"
    response = client.post("/cart/add", data={"product_id": lamp, "quantity": "1"},
                           headers={"Referer": "http://evil.example/products"})
    assert response.headers["Location"].startswith("/products/desk-lamp-")


def test_add_too_many_says_the_maximum(app, client, hx, lamp):
    fragment = client.post("/cart/add", data={"product_id": lamp, "quantity": "9", "show_quantity": "1"}, headers=hx)
    assert fragment.status_code == 422
    html = fragment.get_data(as_text=True)
    assert "at most 5 of Desk lamp" in html and 'aria-invalid="true"' in html and 'class="alert alert-error"' in html
    assert count_rows(app, Cart) == 0  # a refused first add leaves no empty guest cart behind

    client.post("/cart/add", data={"product_id": lamp, "quantity": "4"})
    page = client.post("/cart/add", data={"product_id": lamp, "quantity": "2", "next": "/cart"})
    assert page.status_code == 303
    html = client.get("/cart").get_data(as_text=True)
    assert "already have 4, so you can add 1 more" in html and 'class="alert alert-error"' in html
    assert cart_lines(app) == [("Desk lamp", 4)]


def test_add_sold_out_or_unknown(app, client, hx, make_product):
    sold_out = make_product("Empty shelf", stock=0).id
    response = client.post("/cart/add", data={"product_id": sold_out, "quantity": "1"}, headers=hx)
    assert response.status_code == 422 and "Empty shelf is sold out." in response.get_data(as_text=True)
    assert 'disabled' in response.get_data(as_text=True)
    assert client.post("/cart/add", data={"product_id": "999999", "quantity": "1"}).status_code == 404
    assert client.post("/cart/add", data={"product_id": "abc", "quantity": "1"}).status_code == 404
    missing = client.post("/cart/add", data={"product_id": "999999", "quantity": "1"}, headers=hx)
    assert missing.status_code == 404 and missing.headers["HX-Retarget"] == "#alerts"


@pytest.mark.parametrize("quantity", ["abc", "0", "-2", "", "1.5"])
def test_add_with_a_bad_quantity_is_422_not_500(app, client, hx, lamp, quantity):
    response = client.post("/cart/add", data={"product_id": lamp, "quantity": quantity}, headers=hx)
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert cart_lines(app) == []


def test_a_tampered_cart_cookie_is_ignored(app, client, lamp):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "2"})
    with app.app_context():
        token = _db.session.execute(select(Cart.token)).scalar_one()
    stranger = app.test_client()
    stranger.set_cookie("cart", f'"{token}".forged-signature')
    assert badge(stranger.get("/cart").get_data(as_text=True)) == 0
    stranger.set_cookie("cart", token)
    assert badge(stranger.get("/cart").get_data(as_text=True)) == 0


# --- change quantity, remove, empty ---------------------------------------------------------------------

def test_change_quantity_as_fragment_returns_line_summary_and_badge(app, client, hx, lamp, mug):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    client.post("/cart/add", data={"product_id": mug, "quantity": "1"})
    lamp_line, _ = line_ids(app)
    response = client.post(f"/cart/lines/{lamp_line}/quantity", data={"quantity": "3"}, headers=hx)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="cart-line-{lamp_line}"')
    assert '<div id="cart-summary" class="cart-summary" hx-swap-oob="true">' in html
    assert '<dd id="cart-subtotal">$84.00</dd>' in html and '<dd id="cart-item-count">4</dd>' in html
    assert badge(html) == 4 and "Desk lamp: quantity is now 3." in html
    assert cart_lines(app) == [("Desk lamp", 3), ("Mug", 1)]


def test_change_quantity_without_htmx(app, client, lamp):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    (line_id,) = line_ids(app)
    response = client.post(f"/cart/lines/{line_id}/quantity", data={"quantity": "2", "next": "/cart"})
    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    html = client.get("/cart").get_data(as_text=True)
    assert "Desk lamp: quantity is now 2." in html and '<dd id="cart-subtotal">$50.00</dd>' in html


def test_change_quantity_above_the_maximum_offers_it(app, client, hx, lamp):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    (line_id,) = line_ids(app)
    response = client.post(f"/cart/lines/{line_id}/quantity", data={"quantity": "50"}, headers=hx)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "at most 5 of Desk lamp" in html
    assert re.search(rf'id="qty-line-{line_id}"[^>]*value="5"', html)  # the maximum, ready to confirm
    plain = client.post(f"/cart/lines/{line_id}/quantity", data={"quantity": "x"})
    assert plain.status_code == 303
    assert cart_lines(app) == [("Desk lamp", 1)]


def test_quantity_zero_removes_the_line_and_returns_the_region(app, client, hx, lamp):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    (line_id,) = line_ids(app)
    response = client.post(f"/cart/lines/{line_id}/quantity", data={"quantity": "0"}, headers=hx)
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#cart"
    assert "Your cart is empty" in response.get_data(as_text=True)
    assert cart_lines(app) == []


def test_remove_as_fragment_and_as_page(app, client, hx, lamp, mug):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    client.post("/cart/add", data={"product_id": mug, "quantity": "2"})
    lamp_line, mug_line = line_ids(app)
    response = client.post(f"/cart/lines/{lamp_line}/remove", headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#cart"
    assert html.lstrip().startswith('<section id="cart"') and "data-focus-after-swap" in html
    assert f'id="cart-line-{mug_line}"' in html and f'id="cart-line-{lamp_line}"' not in html
    assert badge(html) == 2 and "Removed Desk lamp from your cart." in html

    page = client.post(f"/cart/lines/{mug_line}/remove", data={"next": "/cart"})
    assert page.status_code == 303 and page.headers["Location"] == "/cart"
    assert "Removed Mug from your cart." in client.get("/cart").get_data(as_text=True)
    assert cart_lines(app) == []


def test_empty_as_fragment_and_as_page(app, client, hx, lamp, mug):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    response = client.post("/cart/empty", headers=hx)
    assert response.status_code == 200 and "Your cart is empty" in response.get_data(as_text=True)
    assert badge(response.get_data(as_text=True)) == 0
    client.post("/cart/add", data={"product_id": mug, "quantity": "1"})
    page = client.post("/cart/empty")
    assert page.status_code == 303 and page.headers["Location"] == "/cart"
    assert cart_lines(app) == []


def test_nobody_can_touch_another_shoppers_line(app, client, hx, lamp):
    client.post("/cart/add", data={"product_id": lamp, "quantity": "2"})
    (line_id,) = line_ids(app)
    stranger = app.test_client()
    assert stranger.post(f"/cart/lines/{line_id}/quantity", data={"quantity": "1"}).status_code == 404
    assert stranger.post(f"/cart/lines/{line_id}/remove").status_code == 404
    stranger.post("/cart/add", data={"product_id": lamp, "quantity": "1"})  # the stranger's own cart
    assert stranger.post(f"/cart/lines/{line_id}/remove", headers=hx).status_code == 404
    assert ("Desk lamp", 2) in cart_lines(app)


def test_unknown_routes_and_methods(client):
    assert client.get("/cart/add").status_code == 405
    assert client.post("/cart/lines/abc/remove").status_code == 404


# --- flags on the page ------------------------------------------------------------------------------

def test_cart_page_flags_changed_prices_and_unavailable_products(app, client, lamp, mug, make_product, change_product):
    gone = make_product("Old clock", price=1200, stock=3).id
    for product_id in (lamp, mug, gone):
        client.post("/cart/add", data={"product_id": product_id, "quantity": "1"})
    change_product(lamp, price=3000)
    change_product(mug, stock=0)
    change_product(gone, delete=True)
    html = client.get("/cart").get_data(as_text=True)
    assert "Price went up since you added it (it was $25.00)." in html and "$30.00 each" in html
    assert "Mug is sold out. Remove it to check out." in html
    assert "Old clock is no longer sold. Remove it to check out." in html
    assert "Some items cannot be ordered as they are" in html
    assert '<dd id="cart-subtotal">$30.00</dd>' in html and '<dd id="cart-item-count">3</dd>' in html
    # The deleted product's line can still be removed.
    _, _, gone_line = line_ids(app)
    assert client.post(f"/cart/lines/{gone_line}/remove").status_code == 303
    assert cart_lines(app) == [("Desk lamp", 1), ("Mug", 1)]


# --- members, login merge -------------------------------------------------------------------------

def test_member_cart_follows_the_account_to_another_device(app, make_user, login, lamp):
    make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    laptop.post("/cart/add", data={"product_id": lamp, "quantity": "2"})
    login(phone)
    assert badge(phone.get("/cart").get_data(as_text=True)) == 2
    with app.app_context():
        cart = _db.session.execute(select(Cart)).scalar_one()
        assert cart.user_id is not None and cart.token is None


def test_login_merges_the_guest_cart_with_a_notice_once(app, client, make_user, login, lamp, mug, make_product):
    user_id = make_user()
    pen = make_product("Pen", price=300, stock=20).id
    with app.app_context():
        from app.cart.services import add_to_cart, get_or_create_member_cart

        add_to_cart(get_or_create_member_cart(user_id).id, lamp, 4)
    client.post("/cart/add", data={"product_id": lamp, "quantity": "3"})
    client.post("/cart/add", data={"product_id": pen, "quantity": "2"})
    guest_cookie = client.get_cookie("cart").value

    response = login(client)
    assert "cart=;" in response.headers.get("Set-Cookie", "") or client.get_cookie("cart") is None
    home = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We merged the cart you filled before logging in." in home
    assert "Added: 2 × Pen." in home and "Reduced: Desk lamp: 1 of 3 added, the most that can be ordered is 5." in home
    assert sorted(cart_lines(app)) == [("Desk lamp", 5), ("Pen", 2)]
    assert count_rows(app, Cart) == 1  # the guest cart is gone

    # Logging in again, even with the old guest cookie put back, counts nothing twice.
    client.post("/logout")
    client.set_cookie("cart", guest_cookie)
    again = login(client)
    assert "We merged" not in client.get(again.headers["Location"]).get_data(as_text=True)
    assert sorted(cart_lines(app)) == [("Desk lamp", 5), ("Pen", 2)]


def test_logging_out_leaves_the_member_cart_on_the_account(app, client, make_user, login, lamp):
    make_user()
    login(client)
    client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    client.post("/logout")
    assert badge(client.get("/cart").get_data(as_text=True)) == 0
    login(client)
    assert badge(client.get("/cart").get_data(as_text=True)) == 1
