"""The admin's categories: create and rename with inline errors, reorder, delete only when empty, move
the products out first (search follows), and the audit trail."""
import re

from sqlalchemy import select

from app.admin.audit import actions_for
from app.catalog.models import Category, Product
from app.extensions import db
from tests.factories import category_for, make_product


def shop_order(app):
    with app.app_context():
        return db.session.execute(select(Category.slug).order_by(Category.position, Category.name)).scalars().all()


def test_create_and_rename_with_inline_errors(app, admin_client):
    response = admin_client.post("/admin/categories/new", data={"name": "Garden Tools", "slug": "", "description": ""})
    assert response.status_code == 303
    assert shop_order(app) == ["garden-tools"]
    category_for(app, "kitchen")
    with app.app_context():
        garden = db.session.execute(select(Category).where(Category.slug == "garden-tools")).scalar_one()
        garden_id = garden.id
    taken = admin_client.post(f"/admin/categories/{garden_id}", data={"name": "Garden", "slug": "kitchen"})
    assert taken.status_code == 422 and "already has the slug" in taken.get_data(as_text=True)
    empty = admin_client.post("/admin/categories/new", data={"name": "", "slug": ""})
    assert empty.status_code == 422 and "This field is required" in empty.get_data(as_text=True)
    assert admin_client.post(f"/admin/categories/{garden_id}", data={"name": "Garden", "slug": "garden"}).status_code == 303
    assert "garden" in shop_order(app)
    page = admin_client.get(f"/admin/categories/{garden_id}").get_data(as_text=True)
    assert "category.update" in page and "garden-tools → garden" in page


def test_move_up_and_down_changes_the_shop_order(app, admin_client):
    ids = [category_for(app, slug).id for slug in ("audio", "kitchen", "garden")]
    with app.app_context():  # the factory leaves every position 0: moving must still work
        assert {c.position for c in db.session.execute(select(Category)).scalars()} == {0}
    shopper = app.test_client()
    before = shopper.get("/").get_data(as_text=True)  # cached now: the moves must make it stale
    assert before.index("category=audio") < before.index("category=kitchen")
    start = shop_order(app)
    assert start == ["audio", "garden", "kitchen"]  # equal positions: by name
    assert admin_client.post(f"/admin/categories/{ids[1]}/move", data={"direction": "up"}).status_code == 303
    assert shop_order(app) == ["audio", "kitchen", "garden"]
    admin_client.post(f"/admin/categories/{ids[0]}/move", data={"direction": "down"})
    assert shop_order(app) == ["kitchen", "audio", "garden"]
    admin_client.post(f"/admin/categories/{ids[1]}/move", data={"direction": "up"})  # already first
    assert shop_order(app) == ["kitchen", "audio", "garden"]
    assert admin_client.post(f"/admin/categories/{ids[0]}/move", data={"direction": "sideways"}).status_code == 400
    listing = admin_client.get("/admin/categories").get_data(as_text=True)
    assert re.findall(r'<code>([a-z-]+)</code>', listing) == ["kitchen", "audio", "garden"]
    home = shopper.get("/").get_data(as_text=True)
    assert home.index("category=kitchen") < home.index("category=audio")


def test_a_category_with_products_is_not_deleted_until_they_move(app, admin_client, search):
    kitchen, audio = category_for(app, "kitchen"), category_for(app, "audio")
    kettle = make_product(app, "Brass Kettle", category="kitchen")
    make_product(app, "Old Kettle", category="kitchen", is_active=False)
    refused = admin_client.post(f"/admin/categories/{kitchen.id}/delete", follow_redirects=True)
    assert "still has 2 products: move them to another category first" in refused.get_data(as_text=True)
    assert "kitchen" in shop_order(app)
    assert search("kettle", category="kitchen").product_ids == [kettle.id]
    moved = admin_client.post(f"/admin/categories/{kitchen.id}/move-products", data={"target_id": str(audio.id)},
                              follow_redirects=True)
    assert "Moved 2 products out of Kitchen" in moved.get_data(as_text=True)
    with app.app_context():
        assert set(db.session.execute(select(Product.category_id)).scalars()) == {audio.id}
    assert search("kettle", category="audio").product_ids == [kettle.id]
    assert admin_client.post(f"/admin/categories/{kitchen.id}/delete").status_code == 303
    assert shop_order(app) == ["audio"]
    with app.app_context():
        assert [a.action for a in actions_for("category", kitchen.id)] == ["category.delete", "category.move_products"]


def test_moving_products_to_itself_or_nowhere_is_refused(app, admin_client):
    kitchen = category_for(app, "kitchen")
    make_product(app, "Brass Kettle", category="kitchen")
    for target in (str(kitchen.id), "", "999999", "x"):
        response = admin_client.post(f"/admin/categories/{kitchen.id}/move-products", data={"target_id": target},
                                     follow_redirects=True)
        assert "Choose" in response.get_data(as_text=True), target
