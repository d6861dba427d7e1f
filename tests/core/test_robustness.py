"""Junk in, 4xx out: every route of the app, walked from the URL map, with junk path arguments, junk query
strings and junk form bodies, as a visitor, a shopper and an admin. Nothing may answer 5xx.

The junk is what crawlers, fuzzers and broken clients actually send: huge and negative numbers (a
PostgreSQL integer overflows), NUL bytes (PostgreSQL refuses them in text), repeated keys, very long
values and non-ASCII text.
"""
import re

import pytest

from app.catalog.seed import seed_demo_catalog
from app.extensions import db as _db

HUGE = "9" * 25
JUNK_VALUES = ["", "0", "-1", HUGE, "abc", "%00", "\x00", "1e309", "x" * 3000, "ü🛒'\"<>", "[]", "null"]
JUNK_PATH_ARGS = {"int": ["0", HUGE], "default": ["x", "%00", "a" * 500, "ü🛒", ".."]}


def _urls_for(rule):
    """Junk URLs for one rule: each path argument gets each junk value of its kind (int or text)."""
    if not rule.arguments:
        return [rule.rule]
    urls = set()
    for position in range(len(JUNK_PATH_ARGS["default"])):
        url = rule.rule
        for name in rule.arguments:
            kind = "int" if type(rule._converters[name]).__name__ == "IntegerConverter" else "default"
            choices = JUNK_PATH_ARGS[kind]
            url = re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?" + re.escape(name) + ">", choices[position % len(choices)], url)
        urls.add(url)
    return sorted(urls)


def _query_strings():
    """Junk for every name the app reads, plus the parameters common to listings and forms."""
    names = ["q", "page", "per_page", "sort", "category", "min_price", "max_price", "in_stock", "next", "field",
             "status", "token", "email", "product_id", "quantity"]
    yield ""
    for value in JUNK_VALUES:
        yield "&".join(f"{name}={value}" for name in names)
    yield "page=1&page=2&page=abc&q=a&q=b&category=x&category=y"


def _form_bodies():
    names = ["email", "password", "confirm", "name", "next", "product_id", "quantity", "remember", "current_password",
             "full_name", "line1", "line2", "city", "region", "postcode", "country", "phone", "make_default",
             "show_quantity", "q"]
    yield {}
    for value in JUNK_VALUES:
        yield {name: value for name in names}
    yield {"product_id": ["1", "2"], "quantity": ["1", HUGE]}


def _routes(app, method):
    return [rule for rule in app.url_map.iter_rules()
            if method in rule.methods and rule.endpoint != "static"]


@pytest.fixture
def app_config():
    # Every code path of a real deployment, except the limits that would turn later requests into 429.
    return {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}


@pytest.fixture
def shop(app, auth):
    with app.app_context():
        seed_demo_catalog(12, seed=3)
    auth.create_user("shopper@example.com")
    auth.create_user("admin@example.com", admin=True)
    return app


@pytest.fixture(params=["visitor", "shopper", "admin"])
def who(request, shop, auth):
    if request.param != "visitor":
        response = auth.login(f"{request.param}@example.com")
        assert response.status_code in (302, 303)
    return auth.client


def _assert_no_server_error(response, method, url, extra=""):
    assert response.status_code < 500, (
        f"{method} {url[:200]} {extra[:200]} -> {response.status_code}: {response.get_data(as_text=True)[:300]}")


def test_get_routes_answer_junk_with_4xx_not_500(shop, who, hx):
    for rule in _routes(shop, "GET"):
        for url in _urls_for(rule):
            for query in _query_strings():
                target = f"{url}?{query}" if query else url
                _assert_no_server_error(who.get(target), "GET", target)
            _assert_no_server_error(who.get(url + "?q=%00&page=" + HUGE, headers=hx), "GET(htmx)", url)


def test_post_routes_answer_junk_with_4xx_not_500(shop, who, hx):
    for rule in _routes(shop, "POST"):
        if rule.endpoint == "auth.logout":
            continue  # would end the session the later requests need; it takes no input anyway
        for url in _urls_for(rule):
            for number, body in enumerate(_form_bodies()):
                _assert_no_server_error(who.post(url, data=body), "POST", url, repr(body))
                if number % 3 == 0:  # fragments share the parsing; a sample keeps the walk quick
                    _assert_no_server_error(who.post(url, data=body, headers=hx), "POST(htmx)", url, repr(body))
            _assert_no_server_error(who.post(url, data=b"\xff\xfe garbage", content_type="application/json"),
                                    "POST(json garbage)", url)


def test_files_posted_where_no_files_are_taken_are_refused_with_400(shop, who):
    # Flask-WTF reads request.files into every form, so a file part named like a text field reached the
    # validators as an object and ended in a 500 (found by probing /checkout/place and /checkout/contact).
    import io

    names = ["email", "full_name", "payment_method_nonce", "token", "quote", "q", "file", "images", "password"]
    for rule in _routes(shop, "POST"):
        if rule.endpoint == "auth.logout":
            continue
        takes_files = getattr(shop.view_functions[rule.endpoint], "accepts_uploads", False)
        for url in _urls_for(rule)[:1]:
            files = {name: (io.BytesIO(b"A" * 5000), "x.txt") for name in names}
            response = who.post(url, data=files, content_type="multipart/form-data")
            _assert_no_server_error(response, "POST(files)", url)
            if not takes_files:
                assert response.status_code == 400, (url, response.status_code)


@pytest.mark.parametrize("url", ["/products/a%00b", "/account/email/confirm/a%00b", "/verify/%00"])
def test_nul_bytes_are_refused_with_400(shop, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "We could not understand that request." in response.get_data(as_text=True)


def test_nul_bytes_in_a_form_are_refused_with_400(shop, client):
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400


def test_walk_covers_every_route(shop):
    """The walk above must not silently miss routes: each has at least one URL."""
    for rule in shop.url_map.iter_rules():
        if rule.endpoint != "static":
            assert _urls_for(rule), rule.rule


def test_a_body_over_the_limit_is_refused_with_413(client):
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data={"email": "x" * (limit + 1), "password": "whatever"})
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)
