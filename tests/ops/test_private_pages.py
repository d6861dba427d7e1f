"""No cache keeps a page that belongs to one shopper: `Cache-Control: no-store` and `Vary: Cookie` on
everything a signed-in shopper is answered, on the cart (guests too), on the account and login forms
and on admin pages; anonymous catalog pages are left to their own caching."""
import pytest

from app.catalog.seed import seed_demo_catalog
from app.ops.private_pages import no_store

# Blueprints whose every page belongs to one visitor. checkout and orders join when they exist.
PRIVATE_BLUEPRINTS = {"cart", "auth", "admin", "mail", "checkout", "orders"}


def stored_nowhere(response):
    return response.headers.get("Cache-Control") == "no-store" and "Cookie" in response.vary


@pytest.fixture
def shop(app, auth):
    with app.app_context():
        seed_demo_catalog(6, seed=2)
    auth.create_user()
    return app


def product_path(client):
    import re

    return re.search(r'href="(/products/[^"?]+)"', client.get("/products").get_data(as_text=True)).group(1)


def plain_get_routes(app):
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static")


def test_every_page_a_signed_in_shopper_gets_is_stored_nowhere(shop, client, auth, hx):
    """The probe: pages for a signed-in shopper had no Cache-Control at all."""
    auth.login()
    paths = plain_get_routes(shop) + [product_path(client), "/search?q=lamp", "/products?page=2"]
    for path in paths:
        for headers in ({}, hx):
            response = client.get(path, headers=headers)
            assert response.status_code < 500
            assert stored_nowhere(response), (path, headers, response.headers.get("Cache-Control"))


def test_the_cart_is_stored_nowhere_for_guests_too(shop, client, hx):
    assert stored_nowhere(client.get("/cart")) and stored_nowhere(client.get("/cart", headers=hx))
    path = product_path(client)
    product_id = int(client.get(path).get_data(as_text=True).split('name="product_id" value="')[1].split('"')[0])
    for headers in ({}, hx):
        response = client.post("/cart/add", data={"product_id": product_id, "quantity": 1}, headers=headers)
        assert response.status_code in (200, 303, 422) and stored_nowhere(response)
    assert stored_nowhere(client.post("/cart/add", data={"product_id": 999999}))  # errors too


@pytest.mark.parametrize("path", ["/login", "/register", "/password/forgot", "/password/reset/not-a-token"])
def test_account_forms_are_stored_nowhere(shop, client, path):
    assert stored_nowhere(client.get(path))


def test_anonymous_catalog_pages_are_left_to_their_own_caching(shop, client):
    for path in ("/", "/products", product_path(client), "/search?q=lamp", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", ""), path


def test_static_files_stay_cacheable_for_signed_in_shoppers(shop, client, auth):
    auth.login()
    response = client.get("/static/css/shop.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_private_blueprints_are_marked(app):
    for name in PRIVATE_BLUEPRINTS & set(app.blueprints):
        assert no_store in app.after_request_funcs.get(name, []), f"{name}: call mark_private(bp) where it is made"
