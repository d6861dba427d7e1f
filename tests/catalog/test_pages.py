def test_home_lists_seeded_products(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert "Shop by category" in html
    assert "Audio" in html and "Kitchen" in html
    assert 'class="product-card"' in html


def test_product_page(client, seeded, db):
    from sqlalchemy import select

    from app.catalog.models import Product

    product = db.session.execute(select(Product).where(Product.is_active.is_(True)).limit(1)).scalar_one()
    response = client.get(f"/products/{product.slug}")
    assert response.status_code == 200
    assert product.name in response.get_data(as_text=True)


def test_inactive_product_is_404(client, seeded, db, change_product):
    from sqlalchemy import select

    from app.catalog.models import Product

    product = db.session.execute(select(Product).limit(1)).scalar_one()
    change_product(product.id, is_active=False)
    assert client.get(f"/products/{product.slug}").status_code == 404
