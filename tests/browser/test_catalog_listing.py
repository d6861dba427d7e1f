"""The listing in a real browser with JavaScript: a filter or sort change swaps the results region in
place and puts the state in the URL; Back restores the earlier results."""
import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def catalog(app):
    from app.catalog.seed import seed_demo_catalog

    with app.app_context():
        seed_demo_catalog(60, seed=1, static_dir=app.static_folder)
    return app


def prices(page):
    texts = page.locator("#catalog-results .product-card .price").all_inner_texts()
    return [float(t.replace("$", "").replace(",", "")) for t in texts]


def test_filter_and_sort_swap_the_results_and_back_restores_them(live_server, catalog, page):
    page.goto(live_server.url + "/products")
    expect(page.locator("#listing-title")).to_have_text("All products")
    page.evaluate("window.sameDocument = true")  # gone if the browser loads a new page

    page.check("#filter-category-audio")
    page.wait_for_url(re.compile(r"/products\?category=audio$"))
    expect(page.locator("#listing-title")).to_have_text("Audio")
    audio_newest = page.locator("#catalog-results .product-card").evaluate_all("cards => cards.map(c => c.id)")

    page.select_option("#filter-sort", "price_asc")
    page.wait_for_url(re.compile(r"/products\?category=audio&sort=price_asc$"))
    expect(page.locator("#filter-sort")).to_have_value("price_asc")
    assert prices(page) == sorted(prices(page)) and len(prices(page)) > 1
    assert page.evaluate("window.sameDocument === true"), "the page reloaded instead of swapping"

    page.go_back()
    page.wait_for_url(re.compile(r"/products\?category=audio$"))
    expect(page.locator("#filter-sort")).to_have_value("newest")
    expect(page.locator("#listing-title")).to_have_text("Audio")
    restored = page.locator("#catalog-results .product-card").evaluate_all("cards => cards.map(c => c.id)")
    assert restored == audio_newest

    page.go_back()
    page.wait_for_url(re.compile(r"/products$"))
    expect(page.locator("#listing-title")).to_have_text("All products")
    expect(page.locator("#filter-category-all")).to_be_checked()


def test_pagination_swaps_in_place(live_server, catalog, page):
    page.goto(live_server.url + "/products?in_stock=1")
    page.evaluate("window.sameDocument = true")
    page.locator("#catalog-pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"in_stock=1&page=2$"))
    expect(page.locator('#catalog-pagination [aria-current="page"]')).to_have_text("2")
    assert page.evaluate("window.sameDocument === true")
