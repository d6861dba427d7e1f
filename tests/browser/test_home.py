"""The home page in a real browser: products render and nothing errors in the console."""


def test_home_page_shows_products(live_server, seeded, page):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    cards = page.locator(".product-card")
    assert cards.count() > 0
    assert page.locator("header .brand").inner_text() == "The Shop"
    # htmx loaded from our own static folder and configured from the meta tag.
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.config.selfRequestsOnly === true")
    assert page.evaluate("htmx.version").startswith("2.")
    # Images are served (no broken placeholders). Card images load lazily, possibly after the load event
    # that goto() waited for, so wait (up to the default timeout) instead of reading the state at once.
    first_image = page.locator(".product-card img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first_image.element_handle())
    assert page.console_errors == []
