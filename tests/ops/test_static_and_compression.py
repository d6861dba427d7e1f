"""Static files under fingerprinted names with a year-long immutable cache (Flask-Static-Digest), and
compressed responses in the encoding the browser prefers (Flask-Compress)."""
import gzip
import json
import re

import brotli
import pytest
from backports import zstd
from flask_static_digest.digester import compile as compile_digests

from app import create_app
from app.config import ROOT
from tests.conftest import make_test_config

MANIFEST = ROOT / "static" / "cache_manifest.json"


@pytest.fixture
def digested_app(app, tmp_path):
    """An app started after `flask digest compile` (as `make run` and `make test` run it)."""
    if not MANIFEST.exists():
        compile_digests(str(MANIFEST.parent), str(MANIFEST.parent), [], False, False)  # `flask digest compile`
    return create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "index"))


def test_pages_link_fingerprinted_files_served_as_immutable(digested_app):
    client = digested_app.test_client()
    manifest = json.loads(MANIFEST.read_text())
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert css == f"/static/{manifest['css/shop.css']}" and re.search(r"shop-[0-9a-f]{32}\.css$", css)
    assert f'/static/{manifest["vendor/htmx.min.js"]}' in html if "vendor/htmx.min.js" in manifest else True
    response = client.get(css)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    assert response.cache_control.public
    plain = client.get("/static/css/shop.css")  # the plain name still works, without the promise
    assert plain.status_code == 200 and not plain.cache_control.immutable


@pytest.mark.parametrize("encoding, decompress", [
    ("gzip", gzip.decompress), ("br", brotli.decompress), ("zstd", zstd.decompress)])
def test_pages_are_compressed_as_the_browser_asks(client, make_product, encoding, decompress):
    make_product("Brass Lamp", "home")
    response = client.get("/products", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"] and "HX-Request" in response.headers["Vary"]
    html = decompress(response.get_data()).decode()
    assert html.startswith("<!doctype html>") and "Brass Lamp" in html


def test_the_browsers_preference_wins(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "zstd"  # the cheapest to make, and Chromium's first choice
    assert client.get("/", headers={"Accept-Encoding": "identity"}).headers.get("Content-Encoding") is None


def test_a_revalidated_page_is_still_a_304_when_compressed(client, make_product):
    lamp = make_product("Brass Lamp", "home")
    headers = {"Accept-Encoding": "gzip"}
    first = client.get(f"/products/{lamp.slug}", headers=headers)
    again = client.get(f"/products/{lamp.slug}", headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
