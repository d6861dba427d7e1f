"""The admin's catalog in a real browser, CSRF on: the list's inline edit is swapped in place by htmx
(the page is not reloaded; the token goes in the hx-headers header), and a product created through the
form is found by a shopper's search."""
import pytest

from tests.factories import PASSWORD, make_product, make_user


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def log_in_as_admin(page, live_server):
    page.goto(live_server.url + "/login")
    page.fill("#email", "boss@example.com")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def test_inline_edit_swaps_the_row_and_a_new_product_is_searchable(app, live_server, page):
    make_user(app, email="boss@example.com", admin=True)
    kettle = make_product(app, "Brass Kettle", stock=3)
    log_in_as_admin(page, live_server)

    page.goto(live_server.url + "/admin/products")
    page.evaluate("window.notReloaded = true")
    # (A negative number never leaves the browser: the field has min=0. The server's own refusal, a 422
    # row with the message, is in tests/admin/test_products.py.)
    page.fill(f"#stock-{kettle.id}", "40")
    page.click(f"#save-row-{kettle.id}")
    page.wait_for_selector(f"#product-row-{kettle.id} input[value='40']")
    assert page.locator(f"#row-error-{kettle.id}").count() == 0
    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, not a page load

    page.click("text=New product")
    page.fill("#name", "Walnut Desk Lamp")
    page.fill("#sku", "LAMP-1")
    page.fill("#price", "49.9")
    page.fill("#stock", "5")
    page.click("#product-form button[type=submit]")
    page.wait_for_selector("text=Created Walnut Desk Lamp.")
    assert page.locator("#audit-trail").inner_text().count("product.create") == 1

    shopper = page.context.browser.new_page()
    try:
        shopper.goto(live_server.url + "/search?q=walnut")
        assert shopper.locator("text=Walnut Desk Lamp").count() >= 1
        assert "$49.90" in shopper.content()
    finally:
        shopper.close()
