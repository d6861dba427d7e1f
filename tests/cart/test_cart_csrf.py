"""The cart's actions with CSRF protection on, as in production: plain forms carry the token, htmx sends
it in the X-CSRFToken header from <body hx-headers>; without it nothing changes."""
import json
import re
from html import unescape

import pytest
from sqlalchemy import select

from app.cart.models import CartLine
from app.extensions import db as _db


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def quantities(app):
    with app.app_context():
        return _db.session.execute(select(CartLine.quantity).order_by(CartLine.id)).scalars().all()


def header_token(html):
    return json.loads(unescape(re.search(r"<body hx-headers='([^']*)'", html).group(1)))["X-CSRFToken"]


def test_forms_carry_the_token_and_posts_without_it_are_refused(app, client, make_product, csrf_token_from):
    lamp = make_product("Lamp", stock=5).id
    refused = client.post("/cart/add", data={"product_id": lamp, "quantity": "1"})
    assert refused.status_code == 400 and b"Session expired" in refused.data
    assert quantities(app) == []

    with app.app_context():
        from app.catalog.models import Product

        slug = _db.session.get(Product, lamp).slug
    page = client.get(f"/products/{slug}").get_data(as_text=True)
    form = re.search(r'<form class="add-to-cart".*?</form>', page, re.S).group(0)
    assert 'hx-post="/cart/add"' in form and 'name="quantity"' in form
    token = csrf_token_from(form)
    accepted = client.post("/cart/add", data={"csrf_token": token, "product_id": lamp, "quantity": "2",
                                              "next": f"/products/{slug}"})
    assert accepted.status_code == 303 and accepted.headers["Location"] == f"/products/{slug}"
    assert quantities(app) == [2]

    cart_page = client.get("/cart").get_data(as_text=True)
    region = re.search(r'<section id="cart".*?</section>', cart_page, re.S).group(0)
    forms = re.findall(r'<form method="post".*?</form>', region, re.S)
    assert len(forms) == 3  # quantity, remove, empty
    assert all('name="csrf_token"' in form for form in forms)
    line_id = re.search(r'id="cart-line-(\d+)"', cart_page).group(1)
    assert client.post(f"/cart/lines/{line_id}/quantity", data={"quantity": "1"}).status_code == 400
    assert client.post(f"/cart/lines/{line_id}/remove").status_code == 400
    assert client.post("/cart/empty").status_code == 400
    assert quantities(app) == [2]


def test_htmx_requests_use_the_header_token(app, client, hx, make_product):
    lamp = make_product("Lamp", stock=5).id
    token = header_token(client.get("/cart").get_data(as_text=True))
    refused = client.post("/cart/add", data={"product_id": lamp, "quantity": "1"}, headers=hx)
    assert refused.status_code == 400 and refused.headers["HX-Retarget"] == "#alerts"
    headers = {**hx, "X-CSRFToken": token}
    added = client.post("/cart/add", data={"product_id": lamp, "quantity": "1"}, headers=headers)
    assert added.status_code == 200 and b'id="cart-badge"' in added.data
    line_id = re.search(r'id="cart-line-(\d+)"', client.get("/cart").get_data(as_text=True)).group(1)
    changed = client.post(f"/cart/lines/{line_id}/quantity", data={"quantity": "3"}, headers=headers)
    assert changed.status_code == 200 and quantities(app) == [3]
    removed = client.post(f"/cart/lines/{line_id}/remove", headers=headers)
    assert removed.status_code == 200 and quantities(app) == []


def test_login_merge_with_csrf_on(app, client, make_product, make_user, login):
    lamp = make_product("Lamp", stock=5).id
    make_user()
    token = header_token(client.get("/cart").get_data(as_text=True))
    client.post("/cart/add", data={"product_id": lamp, "quantity": "2", "csrf_token": token})
    response = login(client)  # fetches the login form and posts it with its token
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added: 2 × Lamp." in page
    assert quantities(app) == [2]
