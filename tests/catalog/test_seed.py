"""`flask seed demo`: deterministic, idempotent, realistic enough to browse and search."""
from sqlalchemy import func, select

from app.catalog.models import Category, Product, ProductChange, ProductImage
from app.catalog.seed import demo_product


def _snapshot(db):
    return db.session.execute(select(Product.sku, Product.name, Product.price, Product.stock).order_by(Product.sku)).all()


def test_seed_creates_catalog(runner, db, tmp_path):
    result = runner.invoke(args=["seed", "demo", "--products", "60"])
    assert result.exit_code == 0, result.output
    assert "Inserted 60 products" in result.output
    assert db.session.scalar(select(func.count(Product.id))) == 60
    assert db.session.scalar(select(func.count(Category.id))) >= 8
    assert db.session.scalar(select(func.count(ProductImage.id))) == 60
    assert db.session.scalar(select(func.count(ProductChange.id))) == 60
    stocks = db.session.scalars(select(Product.stock)).all()
    assert 0 in stocks, "some products are sold out"
    assert len(set(db.session.scalars(select(Product.brand)))) > 5


def test_seed_is_idempotent(runner, db):
    runner.invoke(args=["seed", "demo", "--products", "30"])
    first = _snapshot(db)
    result = runner.invoke(args=["seed", "demo", "--products", "30"])
    assert "Inserted 0 products" in result.output
    assert _snapshot(db) == first


def test_seed_grows_without_duplicates(runner, db):
    runner.invoke(args=["seed", "demo", "--products", "20"])
    runner.invoke(args=["seed", "demo", "--products", "35"])
    assert db.session.scalar(select(func.count(Product.id))) == 35
    assert db.session.scalar(select(func.count(func.distinct(Product.slug)))) == 35


def test_seed_is_deterministic():
    assert demo_product(7, 123) == demo_product(7, 123)
    assert demo_product(7, 123) != demo_product(8, 123)
    prices = {demo_product(1, i).price for i in range(200)}
    assert all(isinstance(p, int) and p > 0 for p in prices) and len(prices) > 100


def test_seed_if_empty_skips_when_products_exist(runner, db):
    runner.invoke(args=["seed", "demo", "--products", "5"])
    result = runner.invoke(args=["seed", "demo", "--products", "50", "--if-empty"])
    assert "not seeding" in result.output
    assert db.session.scalar(select(func.count(Product.id))) == 5


def test_seed_rejects_bad_arguments(runner):
    result = runner.invoke(args=["seed", "demo", "--products", "-3"])
    assert result.exit_code != 0
    assert "Invalid value" in result.output
    result = runner.invoke(args=["seed", "demo", "--products", "many"])
    assert result.exit_code != 0


def test_seed_writes_placeholder_images(app, tmp_path):
    from app.catalog.seed import seed_demo_catalog

    with app.app_context():
        seed_demo_catalog(3, static_dir=tmp_path)
    images = list((tmp_path / "img" / "placeholders").glob("*.png"))
    assert len(images) >= 8
