"""The dashboard's numbers equal hand-computed totals on a small known data set: orders placed through the
checkout (one declined, one refunded in part, one moved to yesterday), events inserted for three days. The
same numbers before and after `flask analytics rollup` (run twice), in the page, its SVG charts and tables,
and in each CSV; bad dates get a message, never a 500."""
import csv
import io
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import delete, insert, select, update

from app.analytics.dashboard import DateRange, build_dashboard
from app.analytics.models import DailyMetric, Event
from app.database import utcnow
from app.extensions import db as _db
from app.orders.models import Order
from app.orders.services import get_order, refund_recorded
from tests.commerce import DECLINED_VISA, VISA, Shopper


@pytest.fixture
def admin_client(app, auth):
    auth.create_user("admin@example.com", admin=True)
    client = app.test_client()
    auth.client = client
    assert auth.login("admin@example.com").status_code == 303
    return client


def at(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


@pytest.fixture
def known(app, client, shopper, make_product):
    """Three paid orders (4495 and 5000 today, 2495 yesterday; 1000 refunded on the first), a declined
    one that counts nowhere, and the events listed below; returns the days."""
    app.config["ANALYTICS_LOW_STOCK"] = 5
    lamp = make_product("Lamp", price=2000, stock=10).id
    chair = make_product("Chair", price=5000, stock=3).id
    numbers = []
    for product, quantity in ((lamp, 2), (chair, 1), (lamp, 1)):
        response = shopper.place(shopper.ready(product, quantity, email="buyer@example.com"), VISA)
        assert response.status_code == 303
        numbers.append(response.headers["Location"].rsplit("/", 1)[1])
    decliner = Shopper(app.test_client())
    decliner.place(decliner.ready(lamp, 4, email="other@example.com"), DECLINED_VISA)
    today = utcnow().date()
    d1, d2 = today - timedelta(days=1), today - timedelta(days=2)
    now = utcnow()
    with app.app_context():
        refund_recorded(get_order(numbers[0]), amount=1000, actor="admin:1")
        _db.session.execute(update(Order).where(Order.number == numbers[2]).values(created_at=at(d1)))
        _db.session.execute(delete(Event))  # the checkout's own events: replaced by the known ones below
        rows = [
            (d2, "product_view", {"session": "s1", "product_id": lamp}), (d2, "product_view", {"session": "s1", "product_id": lamp}),
            (d2, "search", {"session": "s1", "query": "Lamp", "results": 3}),
            (d2, "search", {"session": "s2", "query": "unicorn", "results": 0}),
            (d2, "product_view", {"session": "s2", "product_id": chair}), (d2, "add_to_cart", {"session": "s2", "product_id": chair}),
            (d2, "checkout_started", {"session": "s2", "items": 1}), (d2, "order_paid", {"number": "X1", "total": 100}),
            (d1, "search", {"session": "s3", "query": "lamp ", "results": 2}),
            (d1, "search", {"session": "s3", "query": "unicorn", "results": 0}),
            (d1, "product_view", {"session": "s3", "product_id": lamp}), (d1, "add_to_cart", {"session": "s3", "product_id": lamp}),
            (today, "product_view", {"session": "s4", "product_id": lamp}),
            (today, "search", {"session": "s4", "query": "chair", "results": 1}),
            (today, "search", {"session": "s1", "query": "UNICORN", "results": 0}),
            (today, "order_paid", {"number": "X2", "total": 100}),
        ]
        _db.session.execute(insert(Event), [
            {"kind": kind, "data": data, "user_id": None,
             "created_at": at(day) if day != today else min(now, at(today, 23)) - timedelta(seconds=1)}
            for day, kind, data in rows])
        _db.session.commit()
    return {"today": today, "d1": d1, "d2": d2, "numbers": numbers}


EXPECTED_FUNNEL = [("Sessions", 5), ("Viewed a product", 4), ("Added to cart", 2), ("Started checkout", 1),
                   ("Paid orders", 2)]
EXPECTED_SEARCHES = [("unicorn", 3), ("lamp", 2), ("chair", 1)]


def check(board, known):
    assert [(d.day, d.orders, d.gross, d.refunded, d.net) for d in board.sales] == [
        (known["d2"], 0, 0, 0, 0), (known["d1"], 1, 2495, 0, 2495), (known["today"], 2, 9495, 1000, 8495)]
    summary = board.summary
    assert (summary.orders, summary.gross, summary.refunded, summary.net, summary.average_order) == (
        3, 11990, 1000, 10990, 3997)
    assert board.funnel == EXPECTED_FUNNEL
    assert [(p.name, p.units, p.revenue) for p in board.top_by_revenue] == [("Lamp", 3, 6000), ("Chair", 1, 5000)]
    assert [(p.name, p.units) for p in board.top_by_units] == [("Lamp", 3), ("Chair", 1)]
    assert board.top_searches == EXPECTED_SEARCHES
    assert board.zero_searches == [("unicorn", 3)]
    assert [(name, stock) for _id, name, _sku, stock in board.low_stock] == [("Chair", 2)]


def test_numbers_equal_the_hand_computed_totals_before_and_after_the_rollup(app, known, runner):
    date_range = DateRange(known["d2"], known["today"])
    with app.app_context():
        check(build_dashboard(date_range, 5), known)  # nothing rolled up: all from the events
    result = runner.invoke(args=["analytics", "rollup"])
    assert result.exit_code == 0 and "rolled up" in result.output, result.output
    with app.app_context():
        rolled = sorted(map(tuple, _db.session.execute(select(DailyMetric.day, DailyMetric.metric, DailyMetric.key,
                                                                DailyMetric.value)).all()))
        assert (known["d2"], "sessions", "", 2) in rolled and (known["d1"], "search", "lamp", 1) in rolled
        assert not [row for row in rolled if row[0] == known["today"]]  # today is not closed
        check(build_dashboard(date_range, 5), known)  # closed days from the roll-ups, today from the events
    assert runner.invoke(args=["analytics", "rollup", "--rebuild"]).exit_code == 0  # idempotent
    with app.app_context():
        again = sorted(map(tuple, _db.session.execute(select(DailyMetric.day, DailyMetric.metric, DailyMetric.key,
                                                               DailyMetric.value)).all()))
        assert again == rolled
        check(build_dashboard(date_range, 5), known)
        # A range inside the rolled-up days, and one of today alone.
        assert build_dashboard(DateRange(known["d1"], known["d1"]), 5).top_searches == [("lamp", 1), ("unicorn", 1)]
        assert build_dashboard(DateRange(known["today"], known["today"]), 5).summary.orders == 2


def test_the_page_shows_the_numbers_with_accessible_charts(admin_client, known):
    html = admin_client.get(f"/admin/dashboard?start={known['d2']}&end={known['today']}").get_data(as_text=True)
    assert "$109.90" in html and "$39.97" in html  # revenue after refunds, average order value
    assert html.count('role="img"') == 3
    for chart in ("revenue-chart", "orders-chart", "funnel-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    assert '<tr><th scope="row">Started checkout</th><td>1</td>' in html
    assert '<th scope="row"><a href="/search?q=unicorn">unicorn</a></th><td>3</td>' in html
    assert 'aria-current="page">Dashboard</a>' in html


def test_the_default_range_is_the_last_30_days(admin_client, known):
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert f'value="{known["today"] - timedelta(days=29)}"' in html and f'value="{known["today"]}"' in html


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_each_report_downloads_as_csv_with_the_same_numbers(admin_client, known):
    span = f"start={known['d2']}&end={known['today']}"
    assert csv_rows(admin_client, f"/admin/dashboard/sales.csv?{span}") == [
        ["day", "orders", "gross", "refunded", "net"], [str(known["d2"]), "0", "0.00", "0.00", "0.00"],
        [str(known["d1"]), "1", "24.95", "0.00", "24.95"], [str(known["today"]), "2", "94.95", "10.00", "84.95"]]
    assert csv_rows(admin_client, f"/admin/dashboard/funnel.csv?{span}")[1:] == [[s, str(n)] for s, n in EXPECTED_FUNNEL]
    assert csv_rows(admin_client, f"/admin/dashboard/top-searches.csv?{span}")[1:] == [
        [q, str(n)] for q, n in EXPECTED_SEARCHES]
    assert csv_rows(admin_client, f"/admin/dashboard/zero-result-searches.csv?{span}")[1:] == [["unicorn", "3"]]
    revenue = csv_rows(admin_client, f"/admin/dashboard/top-products-by-revenue.csv?{span}")
    assert [row[1:] for row in revenue] == [["name", "units", "revenue"], ["Lamp", "3", "60.00"], ["Chair", "1", "50.00"]]
    low = csv_rows(admin_client, f"/admin/dashboard/low-stock.csv?{span}")
    assert low[0] == ["product_id", "name", "sku", "stock"] and [(row[1], row[3]) for row in low[1:]] == [("Chair", "2")]
    assert admin_client.get(f"/admin/dashboard/nothing.csv?{span}").status_code == 404


def test_a_query_that_looks_like_a_formula_is_defused_in_csv(app, admin_client):
    with app.app_context():
        _db.session.execute(insert(Event), [{"kind": "search", "data": {"session": "s", "query": "=cmd()", "results": 0},
                                              "user_id": None, "created_at": utcnow()}])
        _db.session.commit()
    assert csv_rows(admin_client, "/admin/dashboard/top-searches.csv")[1:] == [["'=cmd()", "1"]]


@pytest.mark.parametrize("query, message", [
    ("start=2026-13-01", "The start date must look like 2026-01-31."),
    ("end=yesterday", "The end date must look like 2026-01-31."),
    ("start=2026-02-01&end=2026-01-01", "The start date must be on or before the end date."),
    ("start=2020-01-01&end=2026-01-01", "A range can be at most 731 days long."),
    ("start=%00", "The start date must look like 2026-01-31."),
])
def test_bad_dates_get_a_friendly_message(admin_client, query, message):
    response = admin_client.get(f"/admin/dashboard?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    csv_response = admin_client.get(f"/admin/dashboard/sales.csv?{query}")
    assert csv_response.status_code == 400 and message in csv_response.get_data(as_text=True)


def test_the_dashboard_is_for_admins_only(client, auth):
    assert client.get("/admin/dashboard").status_code == 302
    auth.create_user()
    auth.login()
    assert client.get("/admin/dashboard").status_code == 403
    assert client.get("/admin/dashboard/sales.csv").status_code == 403
