"""The admin's products: list filters and pages, the forms and their inline errors, the inline htmx
edit (fragment for htmx, 303 without JS), archive vs delete, the audit trail, and search following."""
import re

import pytest
from sqlalchemy import func, select

from app.admin.audit import actions_for
from app.admin.product_list import PER_PAGE
from app.catalog.models import Product, ProductChange
from app.catalog.services import DuplicateValue, create_product, update_product
from app.extensions import db
from tests.admin.conftest import order_with
from tests.factories import category_for, make_product

FORM = {"name": "Walnut Desk Lamp", "slug": "", "sku": "LAMP-1", "brand": "Lumen", "category_id": "",
        "description": "Warm light.", "price": "49.90", "stock": "7", "is_active": "y"}


def product_named(app, name):
    with app.app_context():
        product = db.session.execute(select(Product).where(Product.name == name)).scalar_one_or_none()
        if product is not None:
            db.session.expunge(product)
        return product


def test_create_parses_the_price_generates_the_slug_and_audits(app, admin_client):
    kitchen = category_for(app, "kitchen")
    response = admin_client.post("/admin/products/new", data={**FORM, "category_id": str(kitchen.id)})
    assert response.status_code == 303
    product = product_named(app, "Walnut Desk Lamp")
    assert (product.slug, product.price, product.stock, product.category_id) == ("walnut-desk-lamp", 4990, 7, kitchen.id)
    assert product.is_active and not product.is_featured
    with app.app_context():
        [action] = actions_for("product", product.id)
        assert action.action == "product.create" and action.changes["price"] == [None, 4990]
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "product.create" in page and 'value="49.90"' in page


def test_bad_input_re_renders_the_form_with_inline_errors(app, admin_client):
    make_product(app, "Existing", sku="TAKEN-1", slug="taken-slug")
    cases = [
        ({"price": "12.345"}, "more decimal places"),
        ({"price": "cheap"}, "Enter a price"),
        ({"price": "-3"}, "cannot be negative"),
        ({"stock": "-1"}, "Stock must be 0 or more"),
        ({"stock": ""}, "Enter the stock"),
        ({"sku": "TAKEN-1"}, "already has the SKU"),
        ({"sku": "taken-1"}, "already has the SKU"),
        ({"slug": "taken-slug"}, "already has the slug"),
        ({"slug": "Bad Slug!"}, "Lower-case letters"),
        ({"name": ""}, "This field is required"),
        ({"category_id": "999999"}, "Not a valid choice"),
        ({"category_id": "x"}, "Not a valid choice"),
    ]
    for change, message in cases:
        response = admin_client.post("/admin/products/new", data={**FORM, **change})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert message in html and 'class="field-error"' in html, change
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Product)).scalar() == 1


def test_edit_keeps_its_own_slug_and_refuses_anothers(app, admin_client):
    make_product(app, "Other", slug="other-slug")
    product = make_product(app, "Mine", slug="mine", price=1000)
    url = f"/admin/products/{product.id}"
    form = {**FORM, "name": "Mine renamed", "slug": "mine", "sku": product.sku, "price": "12.50"}
    assert admin_client.post(url, data=form).status_code == 303
    assert product_named(app, "Mine renamed").price == 1250
    refused = admin_client.post(url, data={**form, "slug": "other-slug"})
    assert refused.status_code == 422 and "already has the slug" in refused.get_data(as_text=True)
    with app.app_context():
        [update] = actions_for("product", product.id)
        assert update.changes == {"name": ["Mine", "Mine renamed"], "price": [1000, 1250],
                                  "brand": ["Acme", "Lumen"], "description": ["", "Warm light."],
                                  "stock": [10, 7], "category_id": [update.changes["category_id"][0], None]}


def test_list_searches_filters_and_pages(app, admin_client):
    audio, kitchen = category_for(app, "audio"), category_for(app, "kitchen")
    make_product(app, "Brass Kettle", category="kitchen", sku="KET-9", stock=2)
    make_product(app, "Quiet Speaker", category="audio", stock=50, is_active=False)
    for n in range(PER_PAGE + 3):
        make_product(app, f"Filler {n}", category="audio", stock=100)

    def names(query):
        html = admin_client.get(f"/admin/products{query}").get_data(as_text=True)
        return re.findall(r'/admin/products/\d+">([^<]+)</a>', html), html

    assert names("?q=kettle")[0] == ["Brass Kettle"]
    assert names("?q=ket-9")[0] == ["Brass Kettle"]  # the SKU, typed in lower case
    assert names("?q=100%25")[0] == []  # % is a character, not a wildcard
    assert names(f"?category={kitchen.id}")[0] == ["Brass Kettle"]
    assert names("?active=0")[0] == ["Quiet Speaker"]
    assert names("?low=1")[0] == ["Brass Kettle"]
    first, html = names(f"?category={audio.id}")
    assert len(first) == PER_PAGE and first[0] == f"Filler {PER_PAGE + 2}"  # newest first
    assert f'page=2' in html and 'rel="prev"' not in html
    second, html = names(f"?category={audio.id}&page=2")
    assert second == ["Filler 2", "Filler 1", "Filler 0", "Quiet Speaker"] and 'rel="next"' not in html
    for junk in ("?page=-1", "?page=x", "?page=99999999999", "?category=abc", "?active=2", "?q=%00"):
        assert admin_client.get(f"/admin/products{junk}").status_code == 200, junk


def test_the_list_answers_htmx_with_the_table_alone(app, admin_client, hx):
    make_product(app, "Brass Kettle")
    response = admin_client.get("/admin/products?q=brass", headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert 'id="product-table"' in html and "<html" not in html


def test_inline_edit_returns_the_row_to_htmx(app, admin_client, hx):
    product = make_product(app, "Brass Kettle", stock=3)
    url = f"/admin/products/{product.id}/row"
    response = admin_client.post(url, data={"stock": "12", "is_active": "y", "next": "/admin/products"}, headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("<tr") == 1 and "<html" not in html
    assert f'id="product-row-{product.id}"' in html and 'value="12"' in html
    refused = admin_client.post(url, data={"stock": "-4", "is_active": "y"}, headers=hx)
    assert refused.status_code == 422 and "Stock must be 0 or more" in refused.get_data(as_text=True)
    assert product_named(app, "Brass Kettle").stock == 12
    with app.app_context():
        assert [a.action for a in actions_for("product", product.id)] == ["product.quick_edit"]


def test_inline_edit_without_js_redirects_back_to_the_list(app, admin_client):
    product = make_product(app, "Brass Kettle", stock=3)
    back = "/admin/products?q=brass&low=1"
    response = admin_client.post(f"/admin/products/{product.id}/row", data={"stock": "0", "next": back})
    assert response.status_code == 303 and response.headers["Location"] == back
    saved = product_named(app, "Brass Kettle")
    assert saved.stock == 0 and not saved.is_active  # the unticked box takes it off sale
    elsewhere = admin_client.post(f"/admin/products/{product.id}/row", data={"stock": "1", "next": "https://evil.example/"})
    assert elsewhere.headers["Location"] == "/admin/products"
    refused = admin_client.post(f"/admin/products/{product.id}/row", data={"stock": "-1", "next": back}, follow_redirects=True)
    assert "Stock must be 0 or more" in refused.get_data(as_text=True)


def test_an_ordered_product_is_archived_an_unordered_one_deleted(app, admin_client):
    ordered = make_product(app, "Ordered Lamp")
    spare = make_product(app, "Spare Lamp")
    order_with(app, ordered)
    assert "Archive Ordered Lamp" in admin_client.get(f"/admin/products/{ordered.id}").get_data(as_text=True)
    assert "Delete Spare Lamp" in admin_client.get(f"/admin/products/{spare.id}").get_data(as_text=True)
    response = admin_client.post(f"/admin/products/{ordered.id}/remove", follow_redirects=True)
    assert "archived" in response.get_data(as_text=True)
    kept = product_named(app, "Ordered Lamp")
    assert kept is not None and not kept.is_active
    assert admin_client.post(f"/admin/products/{spare.id}/remove").status_code == 303
    assert product_named(app, "Spare Lamp") is None
    with app.app_context():
        assert [a.action for a in actions_for("product", ordered.id)] == ["product.archive"]
        assert [a.action for a in actions_for("product", spare.id)] == ["product.delete"]
        kinds = db.session.execute(select(ProductChange.kind).where(ProductChange.product_id == spare.id)
                                   .order_by(ProductChange.id)).scalars().all()
        assert kinds == ["upsert", "delete"]


def test_search_follows_an_admin_edit(app, admin_client, search):
    product = make_product(app, "Granite Mortar")
    assert search("granite").product_ids == [product.id]
    form = {**FORM, "name": "Marble Mortar", "slug": product.slug, "sku": product.sku}
    assert admin_client.post(f"/admin/products/{product.id}", data=form).status_code == 303
    assert search("marble").product_ids == [product.id]
    assert search("granite").total == 0


def test_a_unique_index_refusal_becomes_the_same_inline_error(app, db):
    """Without the admin's pre-check (or when another writer wins the race), the database's unique index
    refuses the write; the service rolls back and says which value is taken, never a bare IntegrityError."""
    first = make_product(app, "First", sku="SKU-1", slug="first")
    second = make_product(app, "Second", sku="SKU-2", slug="second")
    with pytest.raises(DuplicateValue) as refused:
        create_product(sku="SKU-1", slug="new", name="New", price=100)
    assert refused.value.field == "sku"
    with pytest.raises(DuplicateValue) as refused:
        update_product(second.id, slug="first")
    assert refused.value.field == "slug"
    assert db.session.get(Product, second.id).slug == "second" and db.session.get(Product, first.id).sku == "SKU-1"
