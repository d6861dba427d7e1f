"""CSV import: upsert by SKU, the dry run, errors by line and column, all rows or none, the change log."""
from sqlalchemy import func, select

from app.catalog.csv_import import check_import, run_import
from app.catalog.models import Product, ProductChange
from app.extensions import db
from tests.factories import category_for, make_product

HEADER = "sku,name,slug,brand,category,description,price,stock,active,featured\n"


def write_csv(tmp_path, text, name="products.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def products_by_sku(app):
    with app.app_context():
        return {p.sku: p for p in db.session.execute(select(Product)).scalars()}


def change_count(app):
    with app.app_context():
        return db.session.execute(select(func.count(ProductChange.id))).scalar_one()


def test_import_creates_then_updates_by_sku(app, runner, tmp_path):
    category_for(app, "audio", name="Audio")
    category_for(app, "kitchen", name="Kitchen")
    first = write_csv(tmp_path, HEADER
                      + "A-1,Oak Speaker,,Acme,audio,Warm sound,129.00,5,yes,no\n"
                      + 'A-2,Steel Kettle,steel-kettle,Brew,Kitchen,"Boils, fast",39.5,0,yes,yes\n')
    result = runner.invoke(args=["products", "import", str(first)])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged" in result.output and "Checking" in result.output
    products = products_by_sku(app)
    speaker, kettle = products["A-1"], products["A-2"]
    assert (speaker.slug, speaker.price, speaker.stock, speaker.is_active) == ("oak-speaker-a-1", 12900, 5, True)
    assert (kettle.price, kettle.description, kettle.is_featured) == (3950, "Boils, fast", True)
    changes = change_count(app)

    second = write_csv(tmp_path, "sku,price,stock\nA-1,119.99,5\nA-2,39.50,0\n", name="prices.csv")
    result = runner.invoke(args=["products", "import", str(second)])
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated, 1 unchanged" in result.output
    assert "line 2 update A-1: price: 129.00 → 119.99" in result.output
    products = products_by_sku(app)
    assert products["A-1"].price == 11999 and products["A-1"].name == "Oak Speaker"  # other columns untouched
    assert change_count(app) == changes + 1  # the change log follows: one entry for the one updated product


def test_dry_run_writes_nothing(app, runner, tmp_path):
    existing = make_product(app, sku="D-1", price=1000)
    path = write_csv(tmp_path, "sku,name,price\nD-1,Renamed,12.00\nD-2,New thing,5\n")
    before = change_count(app)
    result = runner.invoke(args=["products", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 to create, 1 to update, 0 unchanged, 0 with errors" in result.output
    assert f"update D-1: name: {existing.name} → Renamed, price: 10.00 → 12.00" in result.output
    assert "Dry run: nothing was written." in result.output
    assert set(products_by_sku(app)) == {"D-1"} and products_by_sku(app)["D-1"].price == 1000
    assert change_count(app) == before


def test_errors_name_line_and_column_and_nothing_is_applied(app, runner, tmp_path):
    category_for(app, "audio")
    make_product(app, sku="E-0", slug="taken-slug")
    path = write_csv(tmp_path, HEADER
                     + "E-1,Good row,,Acme,audio,,10.00,1,yes,no\n"              # line 2: fine
                     + "E-2,Bad price,,Acme,audio,,12.345,1,yes,no\n"            # line 3
                     + 'E-3,Multi,,Acme,audio,"two\nlines",1.00,1,yes,no\n'      # lines 4-5: fine
                     + "E-4,Bad category,,Acme,gardening,,1.00,1,yes,no\n"       # line 6
                     + "E-5,Bad stock,,Acme,audio,,1.00,-3,maybe,no\n"           # line 7: two errors
                     + "E-1,Repeat,,Acme,audio,,1.00,1,yes,no\n"                 # line 8
                     + "E-6,Slug clash,taken-slug,Acme,audio,,1.00,1,yes,no\n"   # line 9
                     + "E-7,Short row\n")                                        # line 10
    result = runner.invoke(args=["products", "import", str(path)])
    assert result.exit_code == 1
    for expected in ["line 3, column price: '12.345' has more decimal places than USD allows",
                     "line 6, column category: no category with the slug or name 'gardening'",
                     "line 7, column stock: '-3' is not a whole number of 0 or more",
                     "line 7, column active: 'maybe' is not yes or no",
                     "line 8, column sku: 'E-1' appears on an earlier line",
                     "line 9, column slug: 'taken-slug' is already used by the product with SKU 'E-0'",
                     "line 10: expected 10 cells, found 2",
                     "Nothing was written"]:
        assert expected in result.output
    assert set(products_by_sku(app)) == {"E-0"}  # all or none: the good rows were not applied either


def test_header_errors(app, tmp_path):
    path = write_csv(tmp_path, "name,colour,price,price\nLamp,red,1,1\n")
    with app.app_context():
        report = check_import(path)
    assert [str(e) for e in report.errors] == [
        "line 1, column colour: unknown column; expected some of sku, name, slug, brand, category, description, price, stock, active, featured",
        "line 1, column price: the column appears more than once",
        "line 1, column sku: the sku column is required (products are matched by SKU)"]


def test_a_new_product_needs_name_and_price(app, tmp_path):
    path = write_csv(tmp_path, "sku,stock\nN-1,4\n")
    with app.app_context():
        report = check_import(path)
    assert [str(e) for e in report.errors] == ["line 2, column name: a new product needs a name and a price; the file has no such column"]


def test_not_utf8_is_an_error_not_a_crash(app, tmp_path):
    path = write_csv(tmp_path, "sku,name,price\nL-1,Caf\xe9 table,10\n", encoding="latin-1")
    with app.app_context():
        report = check_import(path)
    assert not report.ok and "not UTF-8" in str(report.errors[0])


def test_escaped_formula_cells_are_read_back(app, tmp_path):
    path = write_csv(tmp_path, "sku,name,price,brand\nF-1,'=SUM(A1),1,'-Dash\n")
    with app.app_context():
        report = run_import(path)
    assert report.applied
    product = products_by_sku(app)["F-1"]
    assert (product.name, product.brand) == ("=SUM(A1)", "-Dash")


def test_byte_order_mark_and_any_header_case(app, tmp_path):
    path = write_csv(tmp_path, "\ufeffSKU, Name ,PRICE\nB-1,Bom,2.50\n")
    with app.app_context():
        report = run_import(path)
    assert report.applied and products_by_sku(app)["B-1"].price == 250


def test_import_reaches_search(app, tmp_path, client):
    path = write_csv(tmp_path, "sku,name,price\nS-1,Zanzibar Teapot,20\n")
    with app.app_context():
        run_import(path)
    assert "/products/zanzibar-teapot-s-1" in client.get("/search?q=zanzibar").get_data(as_text=True)


def test_the_new_catalog_modules_import_first_without_a_cycle():
    """catalog never imports admin (admin imports catalog): each module loads first in a fresh interpreter."""
    import subprocess
    import sys

    for module in ("app.catalog.csv_import", "app.catalog.images", "app.catalog.csv_export", "app.orders.csv_export"):
        result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-800:]
