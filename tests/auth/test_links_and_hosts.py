"""Links in mail are built on SHOP_BASE_URL, never on the request's Host; other hosts are refused."""
import pytest

from app import create_app
from app.ops.links import InvalidBaseUrl, external_url, trusted_hosts_for
from tests.conftest import mail_link, make_test_config

BASE = "https://shop.example.com"


@pytest.fixture
def app_config(smtp_server):
    # www.shop.example.com is trusted too (an alias the proxy forwards), yet links still use the base.
    return dict(smtp_server.config, SHOP_BASE_URL=BASE, TRUSTED_HOSTS=["shop.example.com", "www.shop.example.com"])


def test_reset_link_uses_the_base_url_whatever_the_host(client, auth, smtp_server):
    auth.create_user()
    response = client.post("/password/forgot", data={"email": "shopper@example.com"},
                           base_url="http://www.shop.example.com")
    assert response.status_code == 303
    [message] = smtp_server.messages
    assert mail_link(message).startswith(BASE + "/password/reset/")


def test_a_foreign_host_is_refused_before_any_mail(client, auth, smtp_server):
    auth.create_user()
    response = client.post("/password/forgot", data={"email": "shopper@example.com"},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert smtp_server.messages == []
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", base_url="https://shop.example.com").status_code == 200


def test_verify_link_uses_the_base_url(client, auth, smtp_server):
    response = client.post("/register", base_url="http://www.shop.example.com", data={
        "name": "Sam", "email": "sam@example.com", "password": auth.PASSWORD, "confirm": auth.PASSWORD})
    assert response.status_code == 303
    assert mail_link(smtp_server.messages[-1]).startswith(BASE + "/verify/")


def test_external_url_outside_a_request(app):
    with app.app_context():
        assert external_url("auth.login") == BASE + "/login"
        assert external_url("auth.reset_password", token="a b") == BASE + "/password/reset/a%20b"


def test_base_url_with_a_path_prefix(migrated, tmp_path):
    app = create_app(make_test_config(migrated, tmp_path, SHOP_BASE_URL="https://example.com/shop/"))
    with app.app_context():
        assert external_url("auth.login") == "https://example.com/shop/login"
    assert app.config["TRUSTED_HOSTS"] == ["example.com"]


@pytest.mark.parametrize("bad", ["shop.example.com", "ftp://shop.example.com", "https://", "https://x.example/?a=1"])
def test_a_bad_base_url_stops_the_app_at_startup(migrated, tmp_path, bad):
    with pytest.raises(InvalidBaseUrl):
        create_app(make_test_config(migrated, tmp_path, SHOP_BASE_URL=bad))


def test_loopback_base_trusts_every_loopback_name():
    assert set(trusted_hosts_for("http://127.0.0.1:5000")) == {"127.0.0.1", "localhost", "::1"}
    assert trusted_hosts_for("https://shop.example.com") == ["shop.example.com"]
