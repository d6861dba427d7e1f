"""Catalog pages in Chromium with CSRF on: the shared, cached pages carry each shopper's own parts, the
structured data passes the CSP without a console error, and the fingerprinted stylesheet applies."""
import json

import pytest
from playwright.sync_api import expect


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_product_page_structured_data_and_styles(live_server, make_product, page):
    lamp = make_product("Brass Lamp", "home", price=4999, stock=3, description="A warm lamp.")
    response = page.goto(f"{live_server.url}/products/{lamp.slug}")
    assert response.status == 200
    expect(page).to_have_title("Brass Lamp · Home · The Shop")
    data = [json.loads(text) for text in page.locator('script[type="application/ld+json"]').all_text_contents()]
    assert [d["@type"] for d in data] == ["Product", "BreadcrumbList"]
    assert data[0]["offers"]["price"] == "49.99"
    # The stylesheet (fingerprinted after `make digest`) loaded and applies.
    assert page.evaluate("document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0")
    assert page.console_errors == []  # JSON-LD is data: the CSP (script-src 'self') does not block it


def test_a_cached_listing_works_for_two_shoppers(live_server, make_product, browser, page):
    lamp = make_product("Brass Lamp", "home", stock=5)
    page.goto(f"{live_server.url}/products?category=home")  # renders and stores the page
    other = browser.new_context().new_page()
    other.goto(f"{live_server.url}/products?category=home")  # the stored page, with the other's token
    for shopper in (page, other, other):
        shopper.click(f"#add-to-cart-button-{lamp.id}")  # htmx posts with this shopper's CSRF header
        expect(shopper.locator(f"#add-to-cart-{lamp.id} .add-confirmation")).to_be_visible()
    expect(page.locator("#cart-badge .count")).to_have_text("1")
    expect(other.locator("#cart-badge .count")).to_have_text("2")
    other.reload()
    expect(other.locator("#cart-badge .count")).to_have_text("2")
    other.context.close()
