"""Access rules that hold across the app, checked by walking the URL map with CSRF on: every POST
needs the CSRF token, GETs change no data, and admin pages are for admins only."""
import re

import pytest
from sqlalchemy import text

from app.extensions import db as _db

SKIP_GET_SNAPSHOT = {"analytics_events"}  # searches are counted on GET, by design


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _example_url(rule):
    return re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?[a-z_]+>", "1", rule.rule)


def _post_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]


# Exempt from the CSRF check, and from nothing else: Braintree signs its webhooks instead
# (tests/payments/test_webhooks.py checks the signature); an RFC 8058 one-click unsubscribe carries a signed
# token instead (tests/notifications/test_promotions.py).
CSRF_EXEMPT = {"payments.braintree_webhook", "notifications.unsubscribe_post"}


def test_every_post_route_refuses_a_request_without_the_csrf_token(seeded, auth):
    auth.create_user()
    assert auth.login().status_code == 303  # with the token: the login itself works
    for rule in _post_rules(seeded):
        response = auth.client.post(_example_url(rule), data={"quantity": "1", "product_id": "1"})
        assert response.status_code == 400, rule.rule
        exempt = rule.endpoint in CSRF_EXEMPT
        assert ("Session expired" in response.get_data(as_text=True)) is not exempt, rule.rule


def test_state_changes_are_post_only(seeded):
    """No route that changes state accepts GET; the GET+POST routes are forms that show on GET."""
    forms_shown_on_get = {"auth.login", "auth.register", "auth.forgot_password", "auth.reset_password",
                          "auth.address_new", "auth.address_edit",
                          "admin.new_product", "admin.edit_product", "admin.new_category", "admin.edit_category_view"}
    for rule in seeded.url_map.iter_rules():
        if "POST" in rule.methods and "GET" in rule.methods:
            assert rule.endpoint in forms_shown_on_get, rule.rule


def _snapshot(app):
    with app.app_context():
        tables = [t.name for t in _db.metadata.sorted_tables if t.name not in SKIP_GET_SNAPSHOT]
        return {name: sorted(map(tuple, _db.session.execute(text(f"SELECT * FROM {name}")).all()), key=repr)
                for name in tables}


def test_get_routes_change_no_data(seeded, auth, client, csrf_token_from):
    """Every GET route visited as a shopper with an address and a cart: the database is the same after.
    (The one-use links /verify/<token> and /account/email/confirm/<token> are GETs by necessity, since
    mail clients open links; with a junk token, as here, they must change nothing either.)"""
    auth.create_user()
    auth.login()
    token = csrf_token_from(client.get("/account/addresses/new").get_data(as_text=True))
    client.post("/account/addresses/new", data={"csrf_token": token, "full_name": "Sam", "line1": "1 Road", "city": "Town",
                                                "postcode": "12345", "country": "GB"})
    client.post("/cart/add", data={"csrf_token": token, "product_id": "1", "quantity": "1"})
    before = _snapshot(seeded)
    assert before["addresses"] and before["cart_lines"], "the shopper should have an address and a cart"
    for rule in seeded.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            client.get(_example_url(rule))
            client.get(_example_url(rule), headers={"HX-Request": "true"})
    assert _snapshot(seeded) == before


@pytest.mark.parametrize("method, url", [("get", "/admin/mail"), ("post", "/admin/mail/1/retry")])
def test_admin_pages_are_for_admins(auth, client, method, url):
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code in (302, 303, 400)  # to the login page (a POST also lacks its token)
    auth.create_user()
    auth.login()
    response = getattr(client, method)(url, headers={"X-CSRFToken": auth.csrf_token("/account")})
    assert response.status_code == 403
