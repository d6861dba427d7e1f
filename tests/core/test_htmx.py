"""Fragment detection and Vary: HX-Request."""
import pytest
from flask import Flask

from app.htmx import is_fragment_request


@pytest.mark.parametrize(
    "headers, fragment",
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "false"}, False),
    ],
)
def test_is_fragment_request(headers, fragment):
    app = Flask(__name__)
    with app.test_request_context("/", headers=headers):
        assert is_fragment_request() is fragment


def test_error_page_full_and_fragment(client, hx):
    full = client.get("/products/no-such-thing")
    assert full.status_code == 404
    assert b"<html" in full.data and b"Page not found" in full.data
    assert "HX-Request" in full.headers["Vary"]

    fragment = client.get("/products/no-such-thing", headers=hx)
    assert fragment.status_code == 404
    assert b"<html" not in fragment.data and b"Page not found" in fragment.data
    assert fragment.headers["HX-Retarget"] == "#alerts"
    assert "HX-Request" in fragment.headers["Vary"]


def test_csrf_failure_page(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"email": "a@b.co", "password": "x"})
    assert response.status_code == 400
    assert b"Session expired" in response.data and b"<html" in response.data
    response = client.post("/login", data={"email": "a@b.co", "password": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 400 and b"<html" not in response.data


def test_500_page_does_not_leak(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data and b"secret internals" not in response.data


def test_page_configures_htmx_safely(client):
    import html as html_lib
    import json
    import re

    html = client.get("/").get_data(as_text=True)
    assert re.search(r'src="/static/vendor/htmx\.min(-[0-9a-f]{32})?\.js"', html)  # fingerprinted after `make digest`
    config = json.loads(html_lib.unescape(re.search(r"<meta name=\"htmx-config\" content='([^']*)'", html).group(1)))
    assert config["selfRequestsOnly"] is True
    assert config["allowScriptTags"] is False
    assert config["historyRestoreAsHxRequest"] is False
    headers = json.loads(html_lib.unescape(re.search(r"<body hx-headers='([^']*)'", html).group(1)))
    assert headers["X-CSRFToken"]
