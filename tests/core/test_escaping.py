"""What a shopper types comes back escaped, in pages, fragments and mail (a probe that held: keep it so).
Product names, highlights and the search box are covered in tests/catalog and tests/search."""
import pytest

from tests.conftest import mail_text

MARKUP = '<script>alert(1)</script><img src=x onerror=alert(2)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"


@pytest.fixture
def app_config(smtp_server):
    return dict(smtp_server.config)


def assert_escaped(html):
    assert "<script>alert" not in html and "<img src=x" not in html
    assert ESCAPED in html.replace("&#34;", '"').replace("&#39;", "'")


def test_name_and_address_fields(client, auth, hx):
    auth.create_user(name=MARKUP)
    auth.login()
    assert_escaped(client.get("/account").get_data(as_text=True))
    address = {"full_name": MARKUP, "line1": MARKUP, "city": "Springfield", "postcode": "12345", "country": "us"}
    assert client.post("/account/addresses/new", data=address).status_code == 303
    assert_escaped(client.get("/account/addresses").get_data(as_text=True))
    assert_escaped(client.get("/account/addresses", headers=hx).get_data(as_text=True))


def test_listing_notices_echo_the_query_escaped(client, hx):
    for query in ({"min_price": MARKUP}, {"category": MARKUP}, {"q": MARKUP}):
        for path in ("/products", "/search"):
            for headers in ({}, hx):
                html = client.get(path, query_string=query, headers=headers).get_data(as_text=True)
                assert "<script>alert" not in html and "<img src=x" not in html, (path, query, headers)


def test_mail_to_a_typed_name_is_escaped(client, auth, smtp_server):
    auth.register(email="new@example.com", name=MARKUP)
    [message] = smtp_server.messages
    html = message.get_body(preferencelist=("html",)).get_content()
    assert_escaped(html)
    assert MARKUP in mail_text(message)  # the plain-text part shows it as typed, which is harmless there
