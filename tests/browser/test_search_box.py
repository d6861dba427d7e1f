"""The header search box in Chromium: type, see suggestions, pick one with the keyboard."""
import re

from playwright.sync_api import expect


def test_type_three_letters_arrow_down_and_enter_opens_the_product(live_server, seeded, page, app):
    from sqlalchemy import select

    from app.catalog.models import Product
    from app.search.results import SearchQuery
    from app.search.whoosh_backend import search_index

    with app.app_context():
        search_index(app.config["SEARCH_INDEX_DIR"], SearchQuery(text="warm up"))  # build the index
        product = app.extensions["sqlalchemy"].session.execute(
            select(Product).where(Product.is_active.is_(True)).order_by(Product.id)).scalars().first()
        word = product.brand.split()[0]
    page.goto(live_server.url + "/")
    box = page.locator("#header-search")
    box.click()
    box.press_sequentially(word[:3].lower(), delay=40)
    options = page.locator("#search-suggestions-list [role=option]")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    assert page.locator("#search-suggestions-list mark").count() > 0
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowUp")
    first = options.first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    href = first.locator("a").get_attribute("href")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    assert page.locator("h1").count() == 1


def test_enter_without_a_choice_submits_the_search(live_server, seeded, page):
    page.goto(live_server.url + "/")
    box = page.locator("#header-search")
    box.fill("kettle")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=kettle$"))
