"""Catalog pages are rendered once per catalog version and shared by every shopper: an edit shows at
once on every worker, nothing of one shopper reaches another, and anonymous shoppers revalidate with
ETags. Runs with CSRF on, so the tokens in the pages are real."""
import re

import pytest

from app.catalog.page_cache import catalog_version
from app.extensions import cache
from tests.conftest import make_test_config

CARD = re.compile(r'id="product-card-(\d+)"')


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def second_worker(app):
    """Another app on the same database with its own memory cache: a second gunicorn worker."""
    from app import create_app

    return create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"],
                                       WTF_CSRF_ENABLED=True))


def test_an_edit_shows_at_once_on_every_worker(app, client, make_product, change_product):
    lamp = make_product("Brass Lamp", "home", price=4999)
    other = second_worker(app).test_client()
    for shopper in (client, other):
        for path in ("/", "/products", "/products?category=home", f"/products/{lamp.slug}"):
            assert "$49.99" in shopper.get(path).get_data(as_text=True)  # rendered and stored by each worker
    change_product(lamp.id, price=3999)
    for shopper in (client, other):
        for path in ("/", "/products", "/products?category=home", f"/products/{lamp.slug}"):
            html = shopper.get(path).get_data(as_text=True)
            assert "$39.99" in html and "$49.99" not in html, path
    change_product(lamp.id, is_active=False)
    for shopper in (client, other):
        assert shopper.get(f"/products/{lamp.slug}").status_code == 404
        assert f'id="product-card-{lamp.id}"' not in shopper.get("/products").get_data(as_text=True)


def test_a_new_category_shows_at_once(app, client, make_product, make_category):
    make_product("Brass Lamp", "home")
    assert "Garden Tools" not in client.get("/").get_data(as_text=True)
    make_category("garden-tools", "Garden Tools")
    assert "Garden Tools" in client.get("/").get_data(as_text=True)


def test_pages_are_rendered_once_per_version(app, client, make_product, monkeypatch):
    lamp = make_product("Brass Lamp", "home")
    import app.catalog.views as views

    renders = []
    real = views.render_shared
    monkeypatch.setattr(views, "render_shared", lambda *a, **k: renders.append(a[0]) or real(*a, **k))
    for _ in range(3):
        assert client.get(f"/products/{lamp.slug}").status_code == 200
        assert client.get("/").status_code == 200
    assert renders == ["catalog/product.html", "catalog/home.html"]


def test_every_shopper_gets_their_own_parts(app, client, make_product, make_user, login, csrf_token_from):
    lamp = make_product("Brass Lamp", "home", stock=5)
    guest = app.test_client()
    make_user("member@example.com", name="Member")
    login(client, "member@example.com")
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    client.post("/cart/add", data={"product_id": lamp.id, "quantity": "2", "csrf_token": token})

    member_page = client.get(f"/products/{lamp.slug}?from=member").get_data(as_text=True)
    guest_page = guest.get(f"/products/{lamp.slug}?from=guest").get_data(as_text=True)

    assert "Log out" in member_page and "Log out" not in guest_page
    assert 'aria-label="Cart, 2 items"' in member_page and 'aria-label="Cart, 0 items"' in guest_page
    member_token, guest_token = csrf_token_from(member_page), csrf_token_from(guest_page)
    assert member_token and guest_token and member_token != guest_token
    assert f'"X-CSRFToken": "{guest_token}"' in guest_page  # the htmx headers carry the same token
    # The return path of the add-to-cart forms is the shopper's own address, escaped.
    assert 'name="next" value="/products/brass-lamp-' in guest_page and "from=guest" in guest_page
    assert "from=member" not in guest_page and "<!--shopper:" not in guest_page
    # The shared copy holds none of it.
    with app.test_request_context():
        stored = [cache.get(key) for key in cache.cache._cache]  # noqa: SLF001 - the memory cache's keys
    html = "".join(str(piece) for page in stored if hasattr(page, "pieces") for piece in page.pieces)
    assert html and "Log out" not in html and member_token not in html and guest_token not in html
    assert "csrf_token" in html and "cart_return_path" in html  # the slots, by name


def test_a_flashed_message_is_shown_on_a_cached_page(app, client, make_product, csrf_token_from):
    lamp = make_product("Brass Lamp", "home", stock=5)
    client.get(f"/products/{lamp.slug}")  # stored
    token = csrf_token_from(client.get(f"/products/{lamp.slug}").get_data(as_text=True))
    response = client.post("/cart/add", data={"product_id": lamp.id, "quantity": "1", "csrf_token": token,
                                              "next": f"/products/{lamp.slug}"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added 1 × Brass Lamp to your cart." in html and 'aria-label="Cart, 1 item"' in html
    assert "Added 1 × Brass Lamp" not in client.get(f"/products/{lamp.slug}").get_data(as_text=True)


def test_anonymous_shoppers_revalidate_with_an_etag(app, client, make_product, change_product, hx):
    lamp = make_product("Brass Lamp", "home")
    path = f"/products/{lamp.slug}"
    first = client.get(path)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    other_page = client.get("/", headers={"If-None-Match": etag})
    assert other_page.status_code == 200
    change_product(lamp.id, price=1234)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "$12.34" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag
    # Another visitor (another session) never matches someone else's tag.
    assert app.test_client().get(path, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 200
    # Fragments have their own tags.
    fragment = client.get("/products?category=home", headers=hx)
    assert client.get("/products?category=home", headers={**hx, "If-None-Match": fragment.headers["ETag"]}).status_code == 304


def test_logged_in_shoppers_get_no_etag(app, client, make_product, make_user, login):
    lamp = make_product("Brass Lamp", "home")
    make_user()
    login(client)
    response = client.get(f"/products/{lamp.slug}")
    # Whatever a signed-in shopper is answered is stored nowhere (issue 9), so there is nothing to revalidate.
    assert "ETag" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_the_version_is_the_newest_change(app, make_product):
    with app.test_request_context():
        assert catalog_version().change_id == 0
    lamp = make_product("Brass Lamp", "home")  # a category change, then the product's
    with app.test_request_context():
        first = catalog_version()
    assert first.change_id >= 2
    make_product("Oak Lamp", "home")
    with app.test_request_context():
        assert catalog_version().change_id == first.change_id + 1 and catalog_version().key != first.key
    assert lamp.id


def test_a_search_answer_from_an_index_behind_the_catalog_is_not_kept(app, client, db, make_product, search):
    from app.catalog.models import Product, ProductChange
    from app.search.index_store import writer_lock

    lamp = make_product("Brass Lamp", "home")
    search("warm up")  # the index exists
    # Another server renamed the lamp; this server's index cannot catch up while the lock is held.
    db.session.get(Product, lamp.id).name = "Copper Lamp"
    db.session.add(ProductChange(product_id=lamp.id, kind="upsert"))
    db.session.commit()
    with writer_lock(app.config["SEARCH_INDEX_DIR"], timeout=1):
        behind = client.get("/search?q=copper").get_data(as_text=True)
    assert f'id="product-card-{lamp.id}"' not in behind  # the old index does not know the new name
    caught_up = client.get("/search?q=copper").get_data(as_text=True)
    assert f'id="product-card-{lamp.id}"' in caught_up  # nothing stale was kept


REDIS_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture
def redis_cache():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("SKIPPED LOUDLY: no Redis on 127.0.0.1:6379")
    yield client
    client.flushdb()


def test_servers_share_the_cache_through_redis(app, redis_cache, make_product, change_product, monkeypatch):
    from app import create_app

    lamp = make_product("Brass Lamp", "home", price=4999)
    servers = [create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"],
                                           CACHE_REDIS_URL=REDIS_URL)) for _ in range(2)]
    assert all(server.config["CACHE_TYPE"] == "RedisCache" for server in servers)
    assert "$49.99" in servers[0].test_client().get(f"/products/{lamp.slug}").get_data(as_text=True)
    assert redis_cache.keys("shop:catalog:*product:*")
    import app.catalog.views as views

    monkeypatch.setattr(views, "render_shared", lambda *a, **k: pytest.fail("the second server rendered"))
    assert "$49.99" in servers[1].test_client().get(f"/products/{lamp.slug}").get_data(as_text=True)
    monkeypatch.undo()
    change_product(lamp.id, price=3999)
    for server in servers:
        assert "$39.99" in server.test_client().get(f"/products/{lamp.slug}").get_data(as_text=True)


def test_the_kept_version_connection_is_replaced_when_the_server_drops_it(app, client, db, make_product):
    """The catalog version is read on a connection the worker keeps (no ping); one the server dropped
    (a restart, an idle timeout) is replaced within the same request."""
    from sqlalchemy import text

    from app.catalog import page_cache

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: a server that can drop a connection (the CI runs this on PostgreSQL)")
    make_product("Brass Lamp", "home")
    assert client.get("/").status_code == 200
    kept = page_cache._held_connections[db.engine]  # noqa: SLF001
    backend = kept.connection.dbapi_connection.info.backend_pid
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    assert client.get("/products").status_code == 200
    assert page_cache._held_connections[db.engine] is not kept  # noqa: SLF001
