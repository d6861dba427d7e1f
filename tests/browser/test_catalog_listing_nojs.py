"""The same filter form with JavaScript off: a plain GET form with an Apply button, and plain links."""
import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def browser_context_args():
    return {"java_script_enabled": False}


@pytest.fixture
def catalog(app):
    from app.catalog.seed import seed_demo_catalog

    with app.app_context():
        seed_demo_catalog(60, seed=1, static_dir=app.static_folder)
    return app


def test_filter_form_works_without_javascript(live_server, catalog, page):
    page.goto(live_server.url + "/products")
    page.check("#filter-category-kitchen")
    page.check("#filter-in-stock")
    page.select_option("#filter-sort", "price_desc")
    page.click("#filter-apply")
    page.wait_for_url(re.compile(r"category=kitchen"))
    assert "in_stock=1" in page.url and "sort=price_desc" in page.url
    expect(page.locator("#listing-title")).to_have_text("Kitchen")
    texts = page.locator("#catalog-results .product-card .price").all_inner_texts()
    values = [float(t.replace("$", "").replace(",", "")) for t in texts]
    assert values and values == sorted(values, reverse=True)
    expect(page.locator("#catalog-results .stock-out")).to_have_count(0)


def test_search_box_and_price_links_without_javascript(live_server, catalog, page):
    page.goto(live_server.url + "/search?q=the")
    page.locator("#facet-price a", has_text="Under $25").click()
    page.wait_for_url(re.compile(r"max_price=24.99"))
    expect(page.locator("#filter-max-price")).to_have_value("24.99")
    expect(page.locator("#filter-q")).to_have_value("the")
