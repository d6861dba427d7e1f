"""Behind a reverse proxy (TRUSTED_PROXIES=1) the client's address comes from the proxy's
X-Forwarded-For entry, so per-address limits hold; without one, a forged header changes nothing."""
import pytest


def failed_logins(app, forwarded_for, count):
    client = app.test_client()
    return [client.post("/login", data={"email": f"guess{n}@example.com", "password": "wrong password"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for n in range(count)]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN_ADDRESS": "3 per minute"}])
def test_without_a_proxy_a_forged_forwarded_address_changes_nothing(app):
    assert failed_logins(app, "203.0.113.1", 3) == [422] * 3
    assert failed_logins(app, "203.0.113.2", 1) == [429]  # the same real address, whatever the header says


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN_ADDRESS": "3 per minute",
                                         "TRUSTED_PROXIES": 1}])
def test_behind_one_proxy_the_address_it_adds_is_the_clients(app):
    assert failed_logins(app, "203.0.113.1", 3) == [422] * 3
    assert failed_logins(app, "203.0.113.1", 1) == [429]
    assert failed_logins(app, "203.0.113.2", 1) == [422]  # another shopper behind the same proxy
    # A client's own X-Forwarded-For entry comes first; the proxy's (the last) is the one read.
    assert failed_logins(app, "198.51.100.9, 203.0.113.1", 1) == [429]


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}])
def test_behind_a_proxy_the_host_is_still_checked(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"X-Forwarded-Host": "evil.example"}).status_code == 200  # never read
