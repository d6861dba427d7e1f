"""Promotional email: composed and previewed by an admin, tested to themselves, sent in batches only to
members who opted in (read again for each batch and each email), with a working one-click unsubscribe
link and RFC 8058 headers; counts for the admin; nothing lost or doubled while SMTP is down."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.database import utcnow
from app.extensions import db as _db
from app.mail.models import OutboxMessage
from app.mail.services import deliver_due, deliver_messages
from app.notifications.consent import consent_history, update_preferences
from app.notifications.models import Promotion
from app.notifications.promotions import promotion_counts, queue_next_batch, start_sending
from tests.conftest import mail_text
from tests.factories import csrf_token_in, log_in, make_user


def member(app, email, news=True):
    user_id = make_user(app, email)
    if news:
        with app.app_context():
            update_preferences(user_id, mobile_phone="", sms_order_updates=False, email_news=True)
    return user_id


def admin_client(app, client):
    make_user(app, "boss@example.com", admin=True)
    assert log_in(client, "boss@example.com").status_code == 303
    return client


def post(client, path, page, **data):
    token = csrf_token_in(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def new_promotion(app, client, make_product):
    make_product("Walnut Desk Lamp", price=4900, sku="LAMP-1")
    make_product("Linen Throw", price=3500, sku="THROW-2")
    response = post(client, "/admin/promotions", "/admin/promotions", subject="Autumn offers",
                    body_text="Ten percent off lamps this week.", skus="LAMP-1, THROW-2")
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def promo_rows(db):
    db.session.expire_all()
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.promotion_id.is_not(None))
                              .order_by(OutboxMessage.id)).scalars().all()


def unsubscribe_link(message):
    return re.search(r"<(http://[^>]+)>", message["List-Unsubscribe"]).group(1)


def test_compose_preview_and_test_to_yourself(app, db, client, make_product, smtp_server):
    admin_client(app, client)
    bad = post(client, "/admin/promotions", "/admin/promotions", subject="Hi", body_text="Text", skus="NOPE-9")
    assert bad.status_code == 422 and "No product on sale with SKU NOPE-9" in bad.get_data(as_text=True)
    assert post(client, "/admin/promotions", "/admin/promotions", subject="", body_text="").status_code == 422
    promotion_id = new_promotion(app, client, make_product)
    page = client.get(f"/admin/promotions/{promotion_id}").get_data(as_text=True)
    assert "Ten percent off lamps" in page and "Walnut Desk Lamp" in page and "$49.00" in page
    assert "promotion.create" in page  # the audit trail
    assert post(client, f"/admin/promotions/{promotion_id}/test", f"/admin/promotions/{promotion_id}").status_code == 303
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "[Test] Autumn offers" and message["To"] == "boss@example.com"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Walnut Desk Lamp" in mail_text(message)
    with app.app_context():
        assert _db.session.get(Promotion, promotion_id).status == "draft"  # a test sends nothing else


def test_only_opted_in_members_get_it_with_a_working_one_click_unsubscribe(app, db, client, make_product, smtp_server):
    admin_client(app, client)
    ann, bob = member(app, "ann@example.com"), member(app, "bob@example.com")
    member(app, "carl@example.com", news=False)
    promotion_id = new_promotion(app, client, make_product)
    page = f"/admin/promotions/{promotion_id}"
    assert post(client, f"{page}/send", page).status_code == 303  # not confirmed: nothing happens
    assert promo_rows(db) == []
    assert post(client, f"{page}/send", page, confirm="yes").status_code == 303
    received = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in received) == ["ann@example.com", "bob@example.com"]
    ann_mail = smtp_server.to("ann@example.com")[0]
    link = unsubscribe_link(ann_mail)
    assert link in mail_text(ann_mail) and ann_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    stranger = app.test_client()  # no login, no cookies, no CSRF token
    path = link.removeprefix("http://localhost")
    shown = stranger.get(path)
    assert shown.status_code == 200 and 'id="unsubscribe-confirm"' in shown.get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = True  # the one-click POST must work with CSRF on
    done = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "unsubscribed" in done.get_data(as_text=True)
    assert stranger.post(path + "x", data={"List-Unsubscribe": "One-Click"}).status_code == 400  # forged token
    assert stranger.get("/unsubscribe/junk").status_code == 400
    with app.app_context():
        [granted, withdrawn] = consent_history(user_id=ann)
        assert (withdrawn.granted, withdrawn.source) == (False, f"unsubscribe:{promotion_id}")
        counts = promotion_counts(promotion_id)
    assert (counts["sent"], counts["failed"], counts["unsubscribed"]) == (2, 0, 1)

    progress = client.get(f"{page}/progress", headers={"HX-Request": "true"})
    html = progress.get_data(as_text=True)
    assert progress.status_code == 200 and 'id="promotion-progress"' in html
    assert "<html" not in html and "<td>2</td>" in html
    assert "<html" in client.get(f"{page}/progress").get_data(as_text=True)  # a page of its own without htmx


def test_an_unsubscribe_mid_campaign_stops_the_rest(app, db, smtp_server):
    users = [member(app, f"m{n}@example.com") for n in range(5)]
    with app.test_request_context():
        admin = _db.session.get(User, make_user(app, "boss@example.com", admin=True))
        promotion = Promotion(subject="Sale", body_text="All of it.", skus=[], status="draft", created_by_id=admin.id)
        _db.session.add(promotion)
        _db.session.commit()
        start_sending(promotion.id, actor=admin, batch_size=2)  # batch 1: m0, m1 queued
        [first, second] = [row.id for row in promo_rows(db)]
        deliver_messages([first])  # m0 has it
        # m1 (queued, not yet sent) and m3 (not yet queued) unsubscribe.
        update_preferences(users[1], mobile_phone="", sms_order_updates=False, email_news=False)
        update_preferences(users[3], mobile_phone="", sms_order_updates=False, email_news=False)
        deliver_messages([second])  # consent read at send time: skipped
        while batch := queue_next_batch(promotion.id, 2):
            deliver_messages(batch)
        assert _db.session.get(Promotion, promotion.id).status == "done"
        counts = promotion_counts(promotion.id)
    assert sorted(m["To"] for m in smtp_server.messages) == ["m0@example.com", "m2@example.com", "m4@example.com"]
    assert (counts["sent"], counts["skipped"], counts["queued"]) == (3, 1, 4)


def test_smtp_down_for_a_while_then_back_nothing_lost_or_doubled(app, db, runner, smtp_server):
    for n in range(7):
        member(app, f"m{n}@example.com")
    app.config["PROMOTION_BATCH_SIZE"] = 3
    with app.test_request_context():
        admin = _db.session.get(User, make_user(app, "boss@example.com", admin=True))
        promotion = Promotion(subject="Sale", body_text="All of it.", skus=[], status="draft", created_by_id=admin.id)
        _db.session.add(promotion)
        _db.session.commit()
        smtp_server.stop()
        start_sending(promotion.id, actor=admin, batch_size=3)
        promotion_id = promotion.id
    for _ in range(3):  # the timer runs while the server is down: the first batch waits, no new batch
        result = runner.invoke(args=["messages", "deliver"])
        assert result.exit_code == 0
    assert len(promo_rows(db)) == 3 and all(r.status == "pending" for r in promo_rows(db))
    smtp_server.start()
    for step in range(6):
        for row in promo_rows(db):
            row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        runner.invoke(args=["messages", "deliver"])
    assert sorted(m["To"] for m in smtp_server.messages) == [f"m{n}@example.com" for n in range(7)]
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 7
    with app.app_context():
        assert _db.session.get(Promotion, promotion_id).status == "done"
        assert promotion_counts(promotion_id)["sent"] == 7


def test_send_promotions_command_shows_progress(app, db, runner, smtp_server):
    for n in range(5):
        member(app, f"m{n}@example.com")
    with app.test_request_context():
        admin = _db.session.get(User, make_user(app, "boss@example.com", admin=True))
        promotion = Promotion(subject="Sale", body_text="All of it.", skus=[], status="sending", created_by_id=admin.id)
        _db.session.add(promotion)
        _db.session.commit()
    result = runner.invoke(args=["messages", "send-promotions", "--batch-size", "2"])
    assert result.exit_code == 0 and "5 sent in this run" in result.output
    assert len(smtp_server.messages) == 5
    again = runner.invoke(args=["messages", "send-promotions"])
    assert "No promotion is being sent." in again.output and len(smtp_server.messages) == 5


@pytest.fixture
def app_config(smtp_server):
    return dict(smtp_server.config)


def test_unverified_and_deactivated_members_get_no_promotion(app, db, smtp_server):
    """Anyone can register someone else's address and tick "news": until the address is verified it gets
    no promotions, and neither does a deactivated account (checked when queued and again when sent)."""
    member(app, "real@example.com")
    stranger_typed = make_user(app, "victim@example.com", verified=False)
    gone = member(app, "gone@example.com")
    with app.test_request_context():
        update_preferences(stranger_typed, mobile_phone="", sms_order_updates=False, email_news=True)
        admin = _db.session.get(User, make_user(app, "boss@example.com", admin=True))
        promotion = Promotion(subject="Sale", body_text="All of it.", skus=[], status="draft", created_by_id=admin.id)
        _db.session.add(promotion)
        _db.session.commit()
        start_sending(promotion.id, actor=admin, batch_size=10)
        _db.session.get(User, gone).is_active = False  # deactivated after it was queued
        _db.session.commit()
        deliver_messages([row.id for row in promo_rows(db)])
    assert [m["To"] for m in smtp_server.messages] == ["real@example.com"]
