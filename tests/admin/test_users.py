"""The admin's users: search, a user's orders, admin rights (never the last admin), and deactivation,
which ends the account's sessions and refuses its logins with the usual message."""
import re

from app.admin.audit import actions_for
from app.auth.models import User
from app.extensions import db
from tests.admin.conftest import order_with
from tests.factories import log_in, make_product, make_user


def user(app, user_id):
    with app.app_context():
        found = db.session.get(User, user_id)
        db.session.expunge(found)
        return found


def test_search_by_email_or_name(app, admin_client):
    make_user(app, email="ada@example.com", name="Ada Lovelace")
    make_user(app, email="alan@example.org", name="Alan Turing")

    def emails(query):
        html = admin_client.get(f"/admin/users{query}").get_data(as_text=True)
        return re.findall(r'/admin/users/\d+">([^<]+)</a>', html)

    assert emails("?q=lovelace") == ["ada@example.com"]
    assert emails("?q=EXAMPLE.ORG") == ["alan@example.org"]
    assert set(emails("")) == {"ada@example.com", "alan@example.org", "boss@example.com"}
    assert emails("?q=%25") == [] and emails("?q=_") == []


def test_a_users_page_shows_their_orders(app, admin_client):
    shopper = make_user(app, email="ada@example.com")
    lamp = make_product(app, "Lamp", price=2500)
    order_with(app, lamp, number="SHOP-0042", user_id=shopper, email="ada@example.com")
    order_with(app, lamp, number="SHOP-0043", email="someone@example.com")
    page = admin_client.get(f"/admin/users/{shopper}").get_data(as_text=True)
    assert "SHOP-0042" in page and "$25.00" in page and "SHOP-0043" not in page
    assert admin_client.get("/admin/users/999999").status_code == 404


def test_grant_and_remove_admin_but_never_the_last(app, admin_client):
    boss = user(app, 1).id
    other = make_user(app, email="ada@example.com")
    refused = admin_client.post(f"/admin/users/{boss}/revoke-admin", follow_redirects=True)
    assert "the only active admin" in refused.get_data(as_text=True)
    assert user(app, boss).is_admin
    assert admin_client.post(f"/admin/users/{other}/grant-admin").status_code == 303
    assert user(app, other).is_admin
    assert admin_client.post(f"/admin/users/{other}/revoke-admin").status_code == 303
    assert not user(app, other).is_admin
    admin_client.post(f"/admin/users/{other}/grant-admin")
    admin_client.post(f"/admin/users/{other}/deactivate")  # an inactive admin does not count
    assert "the only active admin" in admin_client.post(f"/admin/users/{boss}/revoke-admin", follow_redirects=True).get_data(as_text=True)
    admin_client.post(f"/admin/users/{other}/reactivate")
    assert admin_client.post(f"/admin/users/{boss}/revoke-admin").status_code == 303  # now someone else is left
    assert not user(app, boss).is_admin
    assert admin_client.get("/admin/users").status_code == 403  # and it took effect at once
    with app.app_context():
        assert [a.action for a in actions_for("user", other)] == [
            "user.reactivate", "user.deactivate", "user.grant_admin", "user.revoke_admin", "user.grant_admin"]


def test_an_admin_cannot_deactivate_themselves(app, admin_client):
    response = admin_client.post("/admin/users/1/deactivate", follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    assert user(app, 1).is_active


def test_deactivation_ends_sessions_and_refuses_login(app, admin_client):
    shopper = make_user(app, email="ada@example.com")
    browser = app.test_client()
    assert log_in(browser, email="ada@example.com", remember=True).status_code == 303
    assert browser.get("/account").status_code == 200
    assert admin_client.post(f"/admin/users/{shopper}/deactivate").status_code == 303
    assert browser.get("/account").status_code in (302, 303)  # the session (and remember cookie) is dead
    browser.delete_cookie("session")
    assert browser.get("/account").status_code in (302, 303)
    again = log_in(app.test_client(), email="ada@example.com")
    assert again.status_code == 422 and "Email or password is not right." in again.get_data(as_text=True)
    page = admin_client.get(f"/admin/users/{shopper}").get_data(as_text=True)
    assert "Deactivated" in page and "user.deactivate" in page
    admin_client.post(f"/admin/users/{shopper}/reactivate")
    assert log_in(app.test_client(), email="ada@example.com").status_code == 303


def test_unknown_actions_and_users_are_4xx(app, admin_client):
    assert admin_client.post("/admin/users/1/explode").status_code == 404
    assert admin_client.post("/admin/users/999999/deactivate").status_code == 404


def test_create_admin_from_the_command_line_reactivates(app, admin_client, runner):
    other = make_user(app, email="ada@example.com")
    admin_client.post(f"/admin/users/{other}/deactivate")
    assert not user(app, other).is_active
    result = runner.invoke(args=["users", "create-admin", "ada@example.com", "--password", "a new long passphrase 7"])
    assert result.exit_code == 0, result.output
    assert user(app, other).is_active and user(app, other).is_admin


def test_two_admins_demoting_each_other_at_once_leave_one(app):
    """Each request runs in its own thread and session; whatever the interleaving, the admin rows'
    locks (or SQLite's single writer) let at most one demotion through."""
    import threading

    from app.auth.account_admin import revoke_admin

    first = make_user(app, email="ann@example.com", admin=True)
    second = make_user(app, email="bob@example.com", admin=True)
    start = threading.Barrier(2)
    outcomes = {}

    def demote(actor_id, target_id):
        with app.app_context():
            actor, target = db.session.get(User, actor_id), db.session.get(User, target_id)
            start.wait()
            try:
                revoke_admin(actor, target)
                outcomes[actor_id] = "done"
            except Exception as error:  # LastAdmin, or the database refusing the second writer
                db.session.rollback()
                outcomes[actor_id] = type(error).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=demote, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    admins = [user(app, uid).is_admin for uid in (first, second)]
    assert admins.count(True) >= 1, outcomes
    assert list(outcomes.values()).count("done") <= 1, outcomes
