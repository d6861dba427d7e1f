"""Every admin route, found by walking the URL map (so a route added later is covered without editing
this file): a visitor is sent to log in, a member gets 403, an admin gets past the guard."""
import re

import pytest

from tests.factories import log_in, make_user



def admin_requests(app):
    """(method, url) for every method of every rule under /admin, each argument filled with "1" (a number
    and a string alike: the guard must answer before any lookup)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin"):
            url = re.sub(r"<[^>]+>", "1", rule.rule)
            found.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def test_the_walk_finds_the_admin_pages(app):
    urls = {url for _method, url in admin_requests(app)}
    assert {"/admin/", "/admin/mail", "/admin/orders"} <= urls


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_every_admin_route_refuses_visitors_and_members(app, who):
    client = app.test_client()
    if who == "member":
        make_user(app, email="member@example.com")
        assert log_in(client, email="member@example.com").status_code == 303
    refused = []
    for method, url in admin_requests(app):
        response = client.open(url, method=method, data={})
        if who == "visitor":
            ok = response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")
        else:
            ok = response.status_code == 403
        if not ok:
            refused.append((method, url, response.status_code))
    assert refused == [], f"admin routes a {who} could reach: {refused}"


def test_an_admin_gets_past_the_guard(app):
    make_user(app, email="boss@example.com", admin=True)
    client = app.test_client()
    log_in(client, email="boss@example.com")
    for method, url in admin_requests(app):
        response = client.open(url, method=method, data={})
        assert response.status_code not in (401, 403), (method, url)
        assert response.status_code < 500, (method, url, response.status_code)
        if method == "GET" and response.status_code == 200 and response.mimetype == "text/html":
            # Every admin page is framed by the admin layout, its navigation and its stylesheet.
            assert "css/admin" in response.get_data(as_text=True), (url, "page without the admin stylesheet")
