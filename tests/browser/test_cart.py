"""The cart in real Chromium, with CSRF on: with JavaScript (htmx swaps in place, no reload) and, in the
class below, the same journeys with JavaScript disabled (plain form posts and 303 redirects)."""
import re

import pytest
from playwright.sync_api import expect

from app.cart.services import add_to_cart, get_or_create_member_cart
from tests.factories import PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def shop(app, make_product, make_user):
    """Three products and a member whose cart already holds one of them."""
    products = {}
    for name, price, stock in [("Desk lamp", 2500, 5), ("Mug", 900, 50), ("Notebook", 450, 30)]:
        product = make_product(name, price=price, stock=stock)
        products[name] = {"id": product.id, "slug": product.slug}
    user_id = make_user("member@example.com", name="Member")
    with app.app_context():
        add_to_cart(get_or_create_member_cart(user_id).id, products["Notebook"]["id"], 1)
    return products


def badge_count(page):
    return int(page.locator("#cart-badge .count").inner_text())


def add_from_product_page(page, base_url, product, quantity):
    page.goto(f"{base_url}/products/{product['slug']}")
    page.fill(f"#qty-{product['id']}", str(quantity))
    page.click(f"#add-to-cart-button-{product['id']}")


def log_in(page, base_url):
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", "member@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def mark_page(page):
    """A marker that a full page load would wipe out."""
    page.evaluate("window.__sameDocument = true")


def still_same_page(page):
    return page.evaluate("window.__sameDocument === true")


def test_add_from_product_page_updates_badge_without_reload(live_server, shop, page):
    lamp = shop["Desk lamp"]
    page.goto(f"{live_server.url}/products/{lamp['slug']}")
    assert badge_count(page) == 0
    mark_page(page)
    page.fill(f"#qty-{lamp['id']}", "2")
    page.click(f"#add-to-cart-button-{lamp['id']}")
    expect(page.locator("#cart-badge .count")).to_have_text("2")
    assert still_same_page(page)
    assert "Added to your cart." in page.locator(f"#add-to-cart-{lamp['id']}").inner_text()
    assert "Added 2 × Desk lamp to your cart." in page.locator("#alerts").inner_text()
    # Focus stays on the button the shopper pressed (htmx keeps focus on an element whose id survives).
    expect(page.locator(f"#add-to-cart-button-{lamp['id']}")).to_be_focused()


def test_change_quantity_updates_totals_in_place(live_server, shop, page):
    add_from_product_page(page, live_server.url, shop["Desk lamp"], 1)
    expect(page.locator("#cart-badge .count")).to_have_text("1")
    page.goto(f"{live_server.url}/cart")
    assert page.locator("#cart-subtotal").inner_text() == "$25.00"
    mark_page(page)
    quantity = page.locator("input[id^=qty-line-]")
    quantity.fill("3")
    page.click("button[id^=update-line-]")
    expect(page.locator("#cart-subtotal")).to_have_text("$75.00")
    assert still_same_page(page)
    assert page.locator("#cart-item-count").inner_text() == "3"
    assert badge_count(page) == 3
    assert "Desk lamp: quantity is now 3." in page.locator("#alerts").inner_text()
    expect(page.locator("button[id^=update-line-]")).to_be_focused()

    # Asking for more than the stock: the message, and the maximum offered in the field.
    quantity.fill("9")
    page.locator("input[id^=qty-line-]").evaluate("input => input.removeAttribute('max')")  # skip the browser's own check
    page.click("button[id^=update-line-]")
    page.wait_for_selector(".cart-line .field-error")
    assert "at most 5 of Desk lamp" in page.locator(".cart-line .field-error").inner_text()
    assert page.locator("input[id^=qty-line-]").input_value() == "5"
    assert page.locator("#cart-subtotal").inner_text() == "$75.00"
    assert still_same_page(page)
    # Chromium logs every 4xx response; the 422 of a refused form is the one expected here.
    expected = [e for e in page.console_errors if "status of 422" in e]
    assert len(expected) == 1
    page.console_errors.remove(expected[0])


def test_remove_a_line(live_server, shop, page):
    add_from_product_page(page, live_server.url, shop["Desk lamp"], 1)
    expect(page.locator("#cart-badge .count")).to_have_text("1")
    add_from_product_page(page, live_server.url, shop["Mug"], 2)
    expect(page.locator("#cart-badge .count")).to_have_text("3")
    page.goto(f"{live_server.url}/cart")
    assert page.locator(".cart-line").count() == 2
    mark_page(page)
    page.click("button[aria-label='Remove Desk lamp']")
    expect(page.locator(".cart-line")).to_have_count(1)
    assert still_same_page(page)
    assert page.locator(".cart-line-name").inner_text() == "Mug"
    assert page.locator("#cart-subtotal").inner_text() == "$18.00"
    assert badge_count(page) == 2
    # Focus moves to the cart heading at htmx's settle step, a moment after the swap awaited above:
    # expect() retries, where reading document.activeElement at once raced it.
    expect(page.locator("#cart-title")).to_be_focused()


def test_guest_cart_merges_into_the_account_at_login(live_server, shop, page):
    add_from_product_page(page, live_server.url, shop["Desk lamp"], 2)
    expect(page.locator("#cart-badge .count")).to_have_text("2")
    add_from_product_page(page, live_server.url, shop["Mug"], 1)
    expect(page.locator("#cart-badge .count")).to_have_text("3")
    log_in(page, live_server.url)
    notice = page.locator("#alerts").inner_text()
    assert "We merged the cart you filled before logging in." in notice
    assert "2 × Desk lamp" in notice and "1 × Mug" in notice
    assert badge_count(page) == 4
    page.goto(f"{live_server.url}/cart")
    names = page.locator(".cart-line-name").all_inner_texts()
    assert sorted(names) == ["Desk lamp", "Mug", "Notebook"]


class TestWithoutJavaScript:
    """The same journeys with JavaScript disabled: every action is a plain form post."""

    @pytest.fixture
    def browser_context_args(self):
        return {"java_script_enabled": False}

    def test_add_change_remove_and_merge_work_as_plain_forms(self, live_server, shop, page):
        lamp, mug = shop["Desk lamp"], shop["Mug"]
        # Each post loads a new page: expect() waits for the text only that page has (wait_for_load_state
        # right after a click can return while the old page is still showing).
        add_from_product_page(page, live_server.url, lamp, 2)
        expect(page.locator("#alerts")).to_contain_text("Added 2 × Desk lamp to your cart.")
        assert page.url == f"{live_server.url}/products/{lamp['slug']}"  # 303 back where the shopper was
        assert badge_count(page) == 2
        add_from_product_page(page, live_server.url, mug, 1)
        expect(page.locator("#cart-badge .count")).to_have_text("3")

        log_in(page, live_server.url)
        notice = page.locator("#alerts").inner_text()
        assert "We merged the cart you filled before logging in." in notice
        assert "2 × Desk lamp" in notice and "1 × Mug" in notice

        page.goto(f"{live_server.url}/cart")
        assert sorted(page.locator(".cart-line-name").all_inner_texts()) == ["Desk lamp", "Mug", "Notebook"]
        lamp_line = page.locator(".cart-line", has_text="Desk lamp")
        lamp_line.locator("input[name=quantity]").fill("4")
        lamp_line.locator("button", has_text="Update").click()
        expect(page.locator("#alerts")).to_contain_text("Desk lamp: quantity is now 4.")
        assert page.url == f"{live_server.url}/cart"
        assert page.locator("#cart-subtotal").inner_text() == "$113.50"  # 4 × 25.00 + 9.00 + 4.50

        page.click("button[aria-label='Remove Mug']")
        expect(page.locator("#alerts")).to_contain_text("Removed Mug from your cart.")
        assert sorted(page.locator(".cart-line-name").all_inner_texts()) == ["Desk lamp", "Notebook"]
        assert badge_count(page) == 5
