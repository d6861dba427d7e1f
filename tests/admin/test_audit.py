"""The audit trail: an action records only the fields it changed, with its actor, and shows on the admin pages."""
from app.admin.audit import actions_for, changed_fields, record_admin_action
from app.auth.models import User
from app.extensions import db
from tests.factories import log_in, make_user


def test_changed_fields_keeps_only_differences():
    assert changed_fields({"price": 1000, "name": "Vase"}, {"price": 1200, "name": "Vase"}) == {"price": [1000, 1200]}
    assert changed_fields(None, {"name": "Vase"}) == {"name": [None, "Vase"]}
    assert changed_fields({"name": "Vase"}, None) == {"name": ["Vase", None]}


def test_an_action_is_recorded_with_its_actor_and_shown(app):
    admin_id = make_user(app, email="boss@example.com", admin=True)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        record_admin_action(admin, "product.update", "product", 7, {"price": 1000, "stock": 3}, {"price": 1250, "stock": 3})
        db.session.commit()
        [row] = actions_for("product", 7)
        assert (row.actor_email, row.action, row.changes) == ("boss@example.com", "product.update", {"price": [1000, 1250]})
        assert actions_for("product", 8) == []
    client = app.test_client()
    log_in(client, email="boss@example.com")
    page = client.get("/admin/").get_data(as_text=True)
    assert "product.update" in page and "boss@example.com" in page and "1000 → 1250" in page
