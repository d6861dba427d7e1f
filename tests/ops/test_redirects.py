"""Redirect targets taken from the request (login's `next`, the cart's return path, the Referer) only
ever point at this site."""
import pytest

from app.ops.security import same_site_path

EVIL = ["//evil.com", "/\\evil.com", "\\\\evil.com", "https://evil.com", "http:evil.com", "javascript:alert(1)",
        "JavaScript:alert(1)", "/\t/evil.com", " //evil.com", "/\x7f/evil.com", "evil.com", "//evil.com/%2F..",
        "///evil.com", "/\n/evil.com", ""]


@pytest.mark.parametrize("target", EVIL)
def test_foreign_targets_are_refused(target):
    assert same_site_path(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/", "/account", "/products?category=lamps&page=2", "/search?q=a%2Fb"])
def test_site_paths_are_kept(target):
    assert same_site_path(target, "/fallback") == target


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "https://evil.com", "javascript:alert(1)"])
def test_login_never_sends_the_shopper_off_site(auth, target):
    auth.create_user()
    response = auth.login(next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_login_returns_to_a_site_path(auth):
    auth.create_user()
    response = auth.login(next="/account/addresses")
    assert response.headers["Location"] == "/account/addresses"


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "https://evil.com", "javascript:alert(1)"])
def test_cart_actions_never_send_the_shopper_off_site(seeded, client, target):
    from app.catalog.models import Product
    from app.extensions import db

    with seeded.app_context():
        product = db.session.execute(db.select(Product).where(Product.stock > 0, Product.is_active)).scalars().first()
        product_id, slug = product.id, product.slug
    response = client.post("/cart/add", data={"product_id": product_id, "quantity": 1, "next": target},
                           headers={"Referer": "https://evil.com/page"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/products/{slug}"
    response = client.post("/cart/empty", data={"next": target}, headers={"Referer": "https://evil.com/page"})
    assert response.headers["Location"] == "/cart"
