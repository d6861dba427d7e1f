"""Checkout in real Chromium, with CSRF on, in the offline test mode: a guest with the test Visa ->
confirmation -> the email received over SMTP -> the order through its emailed link; a member with a saved
address; a declined card, then a good one. With JavaScript (htmx) and, below, without it."""
import re

import pytest
from playwright.sync_api import expect

from app.auth.addresses import add_address
from app.auth.models import User
from app.extensions import db
from tests.commerce import order_row, standin  # noqa: F401
from tests.conftest import mail_link

PASSWORD = "correct horse battery"


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def lamp(make_product):
    product = make_product("Desk lamp", price=2500, stock=5)
    return {"id": product.id, "slug": product.slug}


def add_to_cart_and_check_out(page, base, product):
    page.goto(f"{base}/products/{product['slug']}")
    page.click(f"#add-to-cart-button-{product['id']}")
    expect(page.locator("#cart-badge .count")).to_have_text("1")
    page.goto(f"{base}/cart")
    page.click("a:has-text('Check out')")
    expect(page).to_have_url(re.compile(r"/checkout/contact$"))


def fill_guest_contact(page, email="gina@example.com"):
    page.fill("#email", email)
    page.fill("#full_name", "Gina Guest")
    page.fill("#line1", "1 Market Street")
    page.fill("#city", "Springfield")
    page.fill("#postcode", "94000")
    page.fill("#country", "US")
    page.click("#contact-continue")
    expect(page).to_have_url(re.compile(r"/checkout/shipping$"))


def forget_expected_4xx(page):
    """Chromium logs every 4xx answer; a refused payment (422) is expected in these journeys."""
    page.console_errors[:] = [e for e in page.console_errors if "status of 422" not in e]


def test_guest_checkout_with_the_test_visa_and_the_emailed_link(live_server, page, lamp, smtp_server):
    base = live_server.url
    add_to_cart_and_check_out(page, base, lamp)
    page.click("#contact-continue")  # nothing filled in: inline errors, no reload
    expect(page.locator("#checkout-contact .field-error").first).to_be_visible()
    forget_expected_4xx(page)
    fill_guest_contact(page)
    expect(page.locator("#summary-shipping")).to_have_text("$4.95")
    page.check("#method-express")  # htmx updates the summary in place
    expect(page.locator("#summary-shipping")).to_have_text("$14.95")
    expect(page.locator("#summary-total")).to_have_text("$39.95")
    page.click("#shipping-continue")
    expect(page).to_have_url(re.compile(r"/checkout/review$"))
    expect(page.locator("#test-mode-panel legend")).to_have_text("Test mode — no real payment")
    expect(page.locator("#review-total")).to_have_text("$39.95")
    page.click("#place-order")
    expect(page.locator("#confirmation-title")).to_have_text("Thank you! Your order is confirmed.")
    number = page.locator("#order-number").inner_text()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == f"Your order {number} is confirmed"
    link = mail_link(message)
    assert link.startswith(f"{base}/orders/{number}?key=")
    other = page.context.browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(link)
        expect(stranger.locator("#order-detail-title")).to_have_text(f"Order {number}")
        expect(stranger.locator("#order-total")).to_have_text("$39.95")
    finally:
        other.close()


def test_a_member_checks_out_with_a_saved_address(app, live_server, page, lamp):
    with app.app_context():
        from app.auth.passwords import hash_password

        user = User(email="mia@example.com", name="Mia", password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.commit()
        add_address(user, {"full_name": "Mia Member", "line1": "9 Elm Row", "city": "Leeds", "postcode": "LS1 1AA",
                           "country": "GB"})
    base = live_server.url
    page.goto(f"{base}/login")
    page.fill("#email", "mia@example.com")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    add_to_cart_and_check_out(page, base, lamp)
    expect(page.locator("input[name=address_choice]:checked")).to_have_count(1)
    expect(page.locator("label[for^=address-choice-]").first).to_contain_text("9 Elm Row")
    page.click("#contact-continue")
    expect(page).to_have_url(re.compile(r"/checkout/shipping$"))
    expect(page.locator("#checkout-shipping")).to_contain_text("9 Elm Row")
    page.click("#shipping-continue")
    page.click("#place-order")
    expect(page.locator("#confirmation-title")).to_have_text("Thank you! Your order is confirmed.")
    page.click("a:has-text('your orders')")
    expect(page.locator("#order-list")).to_contain_text(page_number(app))


def page_number(app):
    return order_row(app).number


def test_a_declined_card_then_a_good_one(app, live_server, page, lamp):
    base = live_server.url
    add_to_cart_and_check_out(page, base, lamp)
    fill_guest_contact(page)
    page.click("#shipping-continue")
    page.check("#nonce-fake-processor-declined-visa-nonce")
    page.click("#place-order")
    expect(page.locator("#checkout-error")).to_contain_text("Your bank declined the payment. No money was taken.")
    forget_expected_4xx(page)
    expect(page.locator("#cart-badge .count")).to_have_text("1")  # the cart is untouched
    page.check("#nonce-fake-valid-visa-nonce")
    page.click("#place-order")
    expect(page.locator("#confirmation-title")).to_have_text("Thank you! Your order is confirmed.")
    order = order_row(app)
    assert order.status == "paid" and [p.status for p in order.payments] == ["declined", "submitted"]
    expect(page.locator("#cart-badge .count")).to_have_text("0")


class TestWithoutJavaScript:
    """The same journeys as plain forms and 303 redirects."""

    @pytest.fixture
    def browser_context_args(self):
        return {"java_script_enabled": False}

    def test_guest_checkout_without_javascript(self, live_server, page, lamp, smtp_server):
        base = live_server.url
        page.goto(f"{base}/products/{lamp['slug']}")
        page.click(f"#add-to-cart-button-{lamp['id']}")
        page.goto(f"{base}/cart")
        page.click("a:has-text('Check out')")
        page.click("#contact-continue")
        expect(page.locator("#checkout-contact .field-error").first).to_be_visible()  # a 422 page
        forget_expected_4xx(page)
        fill_guest_contact(page)
        page.check("#method-express")
        page.click("#shipping-continue")
        expect(page.locator("#review-total")).to_have_text("$39.95")
        page.check("#nonce-fake-processor-declined-visa-nonce")
        page.click("#place-order")
        expect(page.locator("#checkout-error")).to_contain_text("Your bank declined the payment.")
        forget_expected_4xx(page)
        page.check("#nonce-fake-valid-visa-nonce")
        page.click("#place-order")
        expect(page.locator("#confirmation-title")).to_have_text("Thank you! Your order is confirmed.")
        number = page.locator("#order-number").inner_text()
        [message] = smtp_server.wait_for(1)
        page.goto(mail_link(message))
        expect(page.locator("#order-detail-title")).to_have_text(f"Order {number}")

    def test_with_braintree_card_entry_says_it_needs_javascript(self, app, live_server, page, lamp, standin):
        app.config.update(standin.config)  # Braintree configured (its client token from the stand-in)
        base = live_server.url
        page.goto(f"{base}/products/{lamp['slug']}")
        page.click(f"#add-to-cart-button-{lamp['id']}")
        page.goto(f"{base}/checkout/contact")
        fill_guest_contact(page)
        page.click("#shipping-continue")
        expect(page.locator("#dropin-needs-js")).to_be_visible()
        expect(page.locator("#dropin-needs-js")).to_contain_text("Card entry needs JavaScript")
        expect(page.locator("#place-order")).to_be_disabled()
        expect(page.locator("#test-mode-panel")).to_have_count(0)
