"""Query strings an admin (or a mistyped bookmark) can send to the admin pages: each gets a page or a 4xx
with a message, never a 500. Unicode digits pass str.isdigit() but not int(); the calendar's ends
overflow as soon as a day is added or taken."""
import pytest

from tests.factories import log_in, make_user


@pytest.fixture
def admin_client(app):
    make_user(app, email="boss@example.com", admin=True)
    client = app.test_client()
    log_in(client, email="boss@example.com")
    return client


@pytest.mark.parametrize("url", [
    "/admin/products?page=²&category=²",
    "/admin/orders?page=²",
    "/admin/orders?start=0001-01-01&end=9999-12-31",
    "/admin/dashboard?end=9999-12-31",
    "/admin/dashboard?start=0001-01-01&end=0001-01-01",
    "/admin/dashboard/sales.csv?end=9999-12-31",
    "/admin/export/orders.csv?start=9999-12-31&end=9999-12-31",
])
def test_odd_query_strings_never_fail_a_page(admin_client, url):
    assert admin_client.get(url).status_code < 500


def test_an_order_export_of_impossible_dates_is_refused_before_any_row(admin_client):
    answer = admin_client.get("/admin/export/orders.csv?start=9999-12-31&end=9999-12-31")
    assert answer.status_code == 400 and "YYYY-MM-DD" in answer.get_data(as_text=True)
