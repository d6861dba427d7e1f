"""The checkout steps as pages and as htmx fragments: guards, inline errors (422), the summary updating in
place, state that survives a reload and stays with its shopper, member addresses, no-store headers."""
import re

import pytest

from app.auth.models import Address
from app.extensions import db
from tests.commerce import ADDRESS, Shopper, field_value

HX = {"HX-Request": "true"}


def test_an_empty_cart_goes_back_to_the_cart_with_the_reason(client):
    for path in ("/checkout", "/checkout/contact", "/checkout/shipping", "/checkout/review"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/cart", path
        fragment = client.get(path, headers=HX)
        assert fragment.status_code == 204 and fragment.headers["HX-Redirect"] == "/cart", path
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)


def test_a_cart_with_blockers_goes_back_with_each_reason(app, client, shopper, make_product):
    lamp = make_product("Lamp", stock=5).id
    shopper.add(lamp, 3)
    with app.app_context():
        from app.catalog.services import update_product

        update_product(lamp, stock=2)
    response = client.get("/checkout/contact")
    assert response.headers["Location"] == "/cart"
    assert "Only 2 of Lamp can be ordered" in client.get("/cart").get_data(as_text=True)


def test_the_cart_checkout_button_leads_into_checkout(client, shopper, make_product):
    shopper.add(make_product("Lamp").id)
    page = client.get("/cart").get_data(as_text=True)
    assert 'href="/checkout"' in page
    assert client.get("/checkout").headers["Location"] == "/checkout/contact"


def test_steps_are_reachable_only_in_order(client, shopper, make_product):
    shopper.add(make_product("Lamp").id)
    assert client.get("/checkout/shipping").headers["Location"] == "/checkout/contact"
    assert client.get("/checkout/review").headers["Location"] == "/checkout/contact"
    assert shopper.contact().status_code == 303
    assert client.get("/checkout/review").headers["Location"] == "/checkout/shipping"
    assert client.get("/checkout").headers["Location"] == "/checkout/shipping"
    assert shopper.shipping().status_code == 303
    assert client.get("/checkout").headers["Location"] == "/checkout/review"


def test_every_step_as_page_and_as_fragment(client, shopper, make_product):
    shopper.add(make_product("Lamp", price=2500).id)
    page = client.get("/checkout/contact")
    assert page.status_code == 200 and b"<html" in page.data and b'id="checkout-contact"' in page.data
    assert b'id="checkout-summary"' in page.data and b'aria-current="step"' in page.data
    fragment = client.get("/checkout/contact", headers=HX)
    assert fragment.status_code == 200 and b"<html" not in fragment.data
    assert fragment.data.lstrip().startswith(b"{#") is False and b'id="checkout-contact"' in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]
    shopper.contact()
    page = client.get("/checkout/shipping")
    assert page.status_code == 200 and b'id="checkout-shipping"' in page.data and b"<html" in page.data
    fragment = client.get("/checkout/shipping", headers=HX)
    assert b"<html" not in fragment.data and b'id="checkout-shipping"' in fragment.data
    shopper.shipping()
    page = client.get("/checkout/review")
    assert page.status_code == 200 and b'id="checkout-review"' in page.data and b"Test mode" in page.data
    fragment = client.get("/checkout/review", headers=HX)
    assert b"<html" not in fragment.data and b'id="checkout-review"' in fragment.data


def test_contact_errors_come_back_inline_with_422(client, shopper, make_product):
    shopper.add(make_product("Lamp").id)
    bad = {"email": "not-an-email", "address_choice": "new", **ADDRESS, "full_name": "", "country": "USA"}
    page = client.post("/checkout/contact", data=bad)
    assert page.status_code == 422 and b"<html" in page.data
    html = page.get_data(as_text=True)
    assert "Invalid email address" in html and "Use the two-letter country code" in html
    assert "This field is required" in html
    fragment = client.post("/checkout/contact", data=bad, headers=HX)
    assert fragment.status_code == 422 and b"<html" not in fragment.data and b'id="checkout-contact"' in fragment.data
    missing_email = client.post("/checkout/contact", data={**ADDRESS, "address_choice": "new", "email": ""})
    assert "Enter the email address for your order confirmation." in missing_email.get_data(as_text=True)
    done = client.post("/checkout/contact", data={"email": "g@example.com", "address_choice": "new", **ADDRESS},
                       headers=HX)
    assert done.status_code == 204 and done.headers["HX-Redirect"] == "/checkout/shipping"


def test_shipping_choice_updates_the_summary_in_place(client, shopper, make_product):
    shopper.add(make_product("Lamp", price=1000).id)
    shopper.contact()
    page = client.get("/checkout/shipping").get_data(as_text=True)
    assert 'hx-post="/checkout/shipping"' in page and 'hx-target="#checkout-summary"' in page
    assert "Standard delivery" in page and "Express delivery" in page
    summary = client.post("/checkout/shipping", data={"method": "express", "update": "summary"}, headers=HX)
    assert summary.status_code == 200
    html = summary.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="checkout-summary"')
    assert re.search(r'id="summary-shipping">\$14\.95<', html) and re.search(r'id="summary-total"[^>]*>\$24\.95<', html)
    summary = client.post("/checkout/shipping", data={"method": "standard", "update": "summary"}, headers=HX)
    assert re.search(r'id="summary-total"[^>]*>\$14\.95<', summary.get_data(as_text=True))
    refused = client.post("/checkout/shipping", data={"method": "teleport"})
    assert refused.status_code == 422 and "Choose one of the shipping methods." in refused.get_data(as_text=True)
    plain = client.post("/checkout/shipping", data={"method": "express"})
    assert plain.status_code == 303 and plain.headers["Location"] == "/checkout/review"


def test_free_shipping_from_the_threshold_and_tax_by_region(app, client, shopper, make_product):
    app.config["TAX_RATES"] = {"US-CA": 725}
    shopper.add(make_product("Lamp", price=5000).id)
    shopper.contact(region="CA")
    shopper.shipping("standard")
    html = client.get("/checkout/review").get_data(as_text=True)
    assert re.search(r'id="review-shipping-cost">Free<', html)
    assert "Tax (7.25 %)" in html and re.search(r'id="review-tax">\$3\.63<', html)
    assert re.search(r'id="review-total">\$53\.63<', html)


def test_state_survives_a_reload_and_never_leaks_to_another_shopper(app, client, shopper, make_product):
    lamp = make_product("Lamp").id
    shopper.add(lamp)
    shopper.contact(email="first@example.com")
    assert field_value(client.get("/checkout/contact").get_data(as_text=True), "email") == "first@example.com"
    other = Shopper(app.test_client())
    other.add(lamp)
    html = other.client.get("/checkout/contact").get_data(as_text=True)
    assert "first@example.com" not in html and "1 Market Street" not in html
    assert other.client.get("/checkout/shipping").headers["Location"] == "/checkout/contact"


def test_checkout_pages_are_never_cached(client, shopper, make_product):
    shopper.add(make_product("Lamp").id)
    for response in (client.get("/checkout/contact"), client.get("/checkout/contact", headers=HX),
                     client.get("/checkout/review")):
        assert response.headers["Cache-Control"] == "no-store"
        assert "Cookie" in response.headers["Vary"]


@pytest.fixture
def member(app, auth, client):
    auth.create_user("member@example.com", name="Mia Member")
    auth.login("member@example.com")
    return auth


def test_a_member_picks_a_saved_address(app, client, member, shopper, make_product):
    with app.app_context():
        from app.auth.addresses import add_address
        from app.auth.models import User

        user = db.session.query(User).filter_by(email="member@example.com").one()
        saved = add_address(user, {"full_name": "Mia Member", "line1": "9 Elm Row", "city": "Leeds",
                                   "postcode": "LS1", "country": "GB"})
        saved_id = saved.id
    shopper.add(make_product("Lamp").id)
    page = client.get("/checkout/contact").get_data(as_text=True)
    assert "The confirmation goes to <strong>member@example.com</strong>" in page
    assert re.search(rf'id="address-choice-{saved_id}" value="{saved_id}"\s*checked', page)
    response = client.post("/checkout/contact", data={"address_choice": str(saved_id)})
    assert response.status_code == 303
    html = client.get("/checkout/shipping").get_data(as_text=True)
    assert "9 Elm Row" in html and "Leeds" in html
    other = client.post("/checkout/contact", data={"address_choice": "999999"})
    assert other.status_code == 422 and "Choose one of your addresses" in other.get_data(as_text=True)


def test_a_member_can_save_a_new_address_to_the_account(app, client, member, shopper, make_product):
    shopper.add(make_product("Lamp").id)
    response = client.post("/checkout/contact", data={"address_choice": "new", **ADDRESS, "save_address": "y"})
    assert response.status_code == 303
    with app.app_context():
        [address] = db.session.query(Address).all()
        assert (address.line1, address.is_default) == ("1 Market Street", True)
    page = client.get("/checkout/contact").get_data(as_text=True)
    assert re.search(rf'id="address-choice-{address.id}" value="{address.id}"\s*checked', page)
