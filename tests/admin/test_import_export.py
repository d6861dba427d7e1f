"""Import / export in the admin: the upload form (dry run, errors, import with its audit row), the
streamed product export that imports back unchanged, the orders export by date range, CSV injection."""
import csv
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.admin.models import AdminAction
from app.catalog.models import Product
from app.extensions import db
from app.orders.models import Order, OrderLine
from tests.factories import change_product, log_in, make_product, make_user

PRODUCT_FIELDS = ("sku", "name", "slug", "brand", "description", "price", "stock", "is_active", "is_featured",
                  "category_id")


@pytest.fixture
def admin_client(app):
    make_user(app, email="boss@example.com", admin=True)
    client = app.test_client()
    log_in(client, email="boss@example.com")
    return client


def catalog_state(app):
    with app.app_context():
        return {p.sku: tuple(getattr(p, f) for f in PRODUCT_FIELDS)
                for p in db.session.execute(select(Product)).scalars()}


def post_csv(client, content, action, name="products.csv"):
    return client.post("/admin/import", data={"action": action, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_export_imports_back_unchanged_and_escapes_formulas(app, admin_client):
    make_product(app, name="=HYPERLINK(\"http://evil.example\",\"Click\")", brand="-Dash", category="audio",
                 description='Has "quotes", commas,\nand a second line', price=1999, stock=3)
    make_product(app, name="@SUM(1+1)", brand="+Plus", category="kitchen", is_active=False, is_featured=True,
                 price=5, stock=0, description="'=already quoted")
    plain = make_product(app, name="Plain Lamp", category=None, price=120000, stock=7)
    before = catalog_state(app)

    response = admin_client.get("/admin/export/products.csv", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed and "attachment" in response.headers["Content-Disposition"]
    exported = response.get_data()
    rows = list(csv.reader(io.StringIO(exported.decode())))
    assert rows[0] == ["sku", "name", "slug", "brand", "category", "description", "price", "stock", "active", "featured"]
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in cells and "'@SUM(1+1)" in cells
    assert "'-Dash" in cells and "'+Plus" in cells and "''=already quoted" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)  # nothing a spreadsheet would run
    assert ["1200.00", "7", "yes", "no"] == [r for r in rows if r[0] == plain.sku][0][6:]

    check = post_csv(admin_client, exported, "check").get_data(as_text=True)
    assert "<strong>0</strong> to create, <strong>0</strong> to update,\n      3 unchanged" in check

    change_product(app, plain.id, price=999, name="Renamed")  # the export then restores it
    assert post_csv(admin_client, exported, "import").status_code == 303
    assert catalog_state(app) == before


def test_dry_run_in_the_admin_writes_nothing(app, admin_client):
    page = post_csv(admin_client, b"sku,name,price\nN-1,New Stool,45.00\n", "check")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nothing was written (dry run)" in html and "New Stool" in html
    assert catalog_state(app) == {}


def test_errors_are_listed_by_line_and_column_and_nothing_is_imported(app, admin_client):
    response = post_csv(admin_client, b"sku,name,price\nG-1,Good,1.00\nG-2,Bad,abc\n", "import")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<tr><td>3</td><td>price</td><td>&#39;abc&#39; is not an amount</td></tr>" in html
    assert "Nothing was imported" in html and catalog_state(app) == {}


def test_an_import_is_audited(app, admin_client):
    response = post_csv(admin_client, b"sku,name,price\nA-1,Audited Chair,80\n", "import", name="chairs.csv")
    assert response.status_code == 303
    with app.app_context():
        action = db.session.execute(select(AdminAction)).scalar_one()
        assert (action.actor_email, action.action) == ("boss@example.com", "products.import")
        assert action.changes["created"] == [None, 1] and action.changes["file"] == [None, "chairs.csv"]
    assert "products.import" in admin_client.get("/admin/import").get_data(as_text=True)


def test_an_import_without_a_file_re_renders_the_form(app, admin_client):
    response = admin_client.post("/admin/import", data={"action": "import"})
    assert response.status_code == 422 and "Choose a CSV file to import." in response.get_data(as_text=True)


def add_order(app, number, placed_at, email="buyer@example.com", quantities=(1,), total=1000):
    with app.app_context():
        order = Order(number=number, email=email, status="paid", subtotal=total, total=total, created_at=placed_at)
        order.lines = [OrderLine(sku="X", name="Thing", unit_price=100, quantity=q, line_total=100 * q)
                       for q in quantities]
        db.session.add(order)
        db.session.commit()


def test_orders_export_by_date_range(app, admin_client):
    add_order(app, "A-100", datetime(2026, 3, 31, 23, 59, tzinfo=timezone.utc))
    add_order(app, "A-101", datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc), quantities=(2, 3), total=12345)
    add_order(app, "A-102", datetime(2026, 4, 30, 23, 59, 59, tzinfo=timezone.utc), email="=1+1@example.com")
    add_order(app, "A-103", datetime(2026, 5, 1, 0, 0, tzinfo=timezone.utc))
    response = admin_client.get("/admin/export/orders.csv?start=2026-04-01&end=2026-04-30", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["number", "placed_at", "email", "status", "currency", "subtotal", "shipping", "tax", "total",
                       "refunded", "items"]
    assert [row[0] for row in rows[1:]] == ["A-101", "A-102"]
    assert rows[1] == ["A-101", "2026-04-01 00:00:00", "buyer@example.com", "paid", "USD", "123.45", "0.00", "0.00",
                       "123.45", "0.00", "5"]
    assert rows[2][2] == "'=1+1@example.com"


@pytest.mark.parametrize("query, message", [
    ("", "Choose a start and an end date."),
    ("?start=2026-02-30&end=2026-03-01", "Dates must be real dates written as YYYY-MM-DD."),
    ("?start=yesterday&end=today", "Dates must be real dates written as YYYY-MM-DD."),
    ("?start=2026-05-01&end=2026-04-01", "The end date is before the start date."),
])
def test_bad_dates_are_400_with_the_form(app, admin_client, query, message):
    response = admin_client.get("/admin/export/orders.csv" + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'id="orders-export"' in html


def test_import_export_is_in_the_admin_navigation(app, admin_client):
    assert '<a href="/admin/import"' in admin_client.get("/admin/").get_data(as_text=True)
