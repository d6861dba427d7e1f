"""Anonymous visits to login_required pages: a redirect for pages, HX-Redirect for htmx."""


def test_page_redirects_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_htmx_gets_401_and_hx_redirect_to_the_page_it_came_from(client, hx):
    headers = dict(hx, **{"HX-Current-URL": "http://localhost/account/addresses"})
    response = client.get("/account", headers=headers)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/account/addresses"
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_from_another_host_does_not_carry_next(client, hx):
    headers = dict(hx, **{"HX-Current-URL": "https://evil.example/phish"})
    response = client.get("/account", headers=headers)
    assert response.headers["HX-Redirect"] == "/login"


def test_hsts_only_when_served_securely(app, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    app.config["SECURE_COOKIES"] = True
    assert app.test_client().get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000"
