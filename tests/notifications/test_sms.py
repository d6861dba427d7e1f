"""SMS: consent at checkout and on the profile, texts to the Twilio stand-in over HTTP (auth and form fields
checked), 4xx failing for good, 429/5xx and outages retried with backoff, consent read again at send time."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db as _db
from app.mail.models import OutboxMessage
from app.mail.services import deliver_due
from app.notifications import texts
from app.notifications.consent import consent_history, update_preferences, withdraw_order_sms
from app.notifications.models import ConsentEvent, ContactPreference, OrderSmsConsent
from app.orders.services import ship_order
from tests.commerce import DECLINED_VISA, VISA, order_row
from tests.factories import PASSWORD, csrf_token_in, log_in, make_user

MOBILE = "+447400123456"


def sms_rows(db):
    db.session.expire_all()
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.channel == "sms")
                              .order_by(OutboxMessage.id)).scalars().all()


def make_due(db):
    for row in sms_rows(db):
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def guest_order(app, shopper, make_product, **contact):
    lamp = make_product("Lamp", price=2500, stock=5).id
    shopper.add(lamp)
    response = shopper.contact(**contact)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    assert shopper.shipping().status_code == 303
    _, form = shopper.review()
    placed = shopper.place(form, VISA)
    assert placed.status_code == 303
    return placed.headers["Location"].rsplit("/", 1)[1]


def test_a_guest_who_opts_in_at_checkout_gets_the_confirmation_by_sms(app, db, shopper, make_product, twilio):
    number = guest_order(app, shopper, make_product, sms_updates="y", sms_phone="07400 123456")
    [text] = twilio.wait_for(1)
    assert text["To"] == MOBILE and text["From"] == "+15005550006"
    assert number in text["Body"] and "confirmed" in text["Body"] and texts.fits_one_segment(text["Body"])
    [request] = twilio.requests
    assert request["authorization"].startswith("Basic ") and request["path"].endswith("/Messages.json")
    order = order_row(app, number)
    with app.app_context():
        assert _db.session.get(OrderSmsConsent, order.id).phone == MOBILE
        [event] = consent_history(order_id=order.id)
        assert (event.channel, event.purpose, event.granted, event.source) == ("sms", "order_updates", True, "checkout")
    [row] = sms_rows(db)
    assert (row.status, row.recipient, row.purpose, row.order_id) == ("sent", MOBILE, "order_sms", order.id)


def test_no_tick_no_text_and_a_bad_number_is_refused_inline(app, db, client, shopper, make_product, twilio):
    shopper.add(make_product("Mug", price=900, stock=5).id)
    response = shopper.contact(sms_updates="y", sms_phone="12345")
    assert response.status_code == 422 and "not a valid phone number" in response.get_data(as_text=True)
    response = shopper.contact(sms_updates="y", sms_phone="")
    assert response.status_code == 422 and "Enter the mobile number" in response.get_data(as_text=True)
    guest_order(app, shopper, make_product, sms_phone="07400 123456")  # number given, box not ticked
    with app.app_context():
        deliver_due()
    assert sms_rows(db) == [] and twilio.requests == []


def test_unticking_text_me_after_a_declined_card_withdraws_the_consent(app, db, shopper, make_product, twilio):
    lamp = make_product("Lamp", price=2500, stock=5).id
    shopper.add(lamp)
    assert shopper.contact(sms_updates="y", sms_phone="07400 123456").status_code == 303
    assert shopper.shipping().status_code == 303
    _, form = shopper.review()
    assert shopper.place(form, DECLINED_VISA).status_code == 422  # the same order is tried again below
    assert shopper.contact(sms_phone="07400 123456").status_code == 303  # box unticked this time
    _, form = shopper.review()
    placed = shopper.place(form, VISA)
    assert placed.status_code == 303
    order = order_row(app, placed.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        deliver_due()
        assert [e.granted for e in consent_history(order_id=order.id)] == [True, False]
    assert twilio.requests == []


def test_profile_stores_e164_and_records_every_change(app, db, client):
    user_id = make_user(app)
    log_in(client)
    page = client.get("/account").get_data(as_text=True)
    assert 'id="sms-order-updates"' in page and "checked" not in page.split('id="contact-form"')[1].split("</form>")[0]

    def post(**data):
        token = csrf_token_in(client.get("/account").get_data(as_text=True))
        return client.post("/account/contact", data={"csrf_token": token, **data})

    bad = post(mobile_phone="+44 20 7946 0958", sms_order_updates="y")  # a landline
    assert bad.status_code == 422 and "enter a mobile number" in bad.get_data(as_text=True)
    assert post(sms_order_updates="y").status_code == 422  # SMS without a number
    assert post(mobile_phone="07400 123456", sms_order_updates="y", email_news="y").status_code == 303
    assert post(mobile_phone="07400 123456", email_news="y").status_code == 303  # SMS off again
    with app.app_context():
        prefs = _db.session.get(ContactPreference, user_id)
        assert (prefs.mobile_phone, prefs.sms_order_updates, prefs.email_news) == (MOBILE, False, True)
        events = [(e.channel, e.granted, e.source) for e in consent_history(user_id=user_id)]
        assert events == [("sms", True, "profile"), ("email", True, "profile"), ("sms", False, "profile")]
        assert all(e.at is not None for e in consent_history(user_id=user_id))
    assert "+44 7400 123456" in client.get("/account").get_data(as_text=True)


def opted_in_member(app, sms=True):
    user_id = make_user(app)
    with app.app_context():
        update_preferences(user_id, mobile_phone=MOBILE, sms_order_updates=sms, email_news=False)
    return user_id


def member_order(app, client, shopper, make_product):
    log_in(client)
    lamp = make_product("Lamp", price=2500, stock=5).id
    shopper.add(lamp)
    response = shopper.contact(email="", **{"address_choice": "new"})
    assert response.status_code == 303
    assert shopper.shipping().status_code == 303
    _, form = shopper.review()
    return shopper.place(form, VISA).headers["Location"].rsplit("/", 1)[1]


def test_member_consent_sends_confirmed_and_shipped_with_tracking(app, db, client, shopper, make_product, twilio):
    opted_in_member(app)
    number = member_order(app, client, shopper, make_product)
    twilio.wait_for(1)
    with app.test_request_context():
        ship_order(number, actor="admin:boss@example.com", note="Royal Mail RM123456789GB")
        assert deliver_due() == (2, 0)  # the shipping email and its text
    confirmed, shipped = twilio.accepted
    assert "RM123456789GB" in shipped["Body"] and number in shipped["Body"] and shipped["To"] == MOBILE
    assert texts.fits_one_segment(confirmed["Body"]) and texts.fits_one_segment(shipped["Body"])


def test_a_member_without_sms_consent_gets_no_text(app, db, client, shopper, make_product, twilio):
    opted_in_member(app, sms=False)  # a number, but no consent
    member_order(app, client, shopper, make_product)
    with app.app_context():
        deliver_due()
    assert sms_rows(db) == [] and twilio.requests == []


def test_consent_withdrawn_between_queue_and_send_skips_the_text(app, db, shopper, make_product, twilio):
    twilio.stop()  # the first try fails, so the text is still queued when the shopper changes their mind
    number = guest_order(app, shopper, make_product, sms_updates="y", sms_phone=MOBILE)
    with app.app_context():
        deliver_due()
        withdraw_order_sms(order_row(app, number).id, source="support")
    twilio.start()
    make_due(db)
    with app.app_context():
        assert deliver_due() == (0, 1)
    [row] = sms_rows(db)
    assert row.status == "skipped" and twilio.accepted == []
    with app.app_context():
        assert deliver_due(now=utcnow() + timedelta(days=1)) == (0, 0)  # never tried again


def test_password_change_texts_only_an_opted_in_member(app, db, client, twilio):
    opted_in_member(app)
    log_in(client)
    token = csrf_token_in(client.get("/account").get_data(as_text=True))
    new = PASSWORD + "-new!"
    response = client.post("/account/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                      "password": new, "confirm": new})
    assert response.status_code == 303
    [text] = twilio.wait_for(1)
    assert "password was just changed" in text["Body"] and texts.fits_one_segment(text["Body"])
    with app.app_context():
        update_preferences(_db.session.execute(select(ContactPreference.user_id)).scalar_one(), mobile_phone=MOBILE,
                           sms_order_updates=False, email_news=False)
    token = csrf_token_in(client.get("/account").get_data(as_text=True))
    client.post("/account/password", data={"csrf_token": token, "current_password": new, "password": PASSWORD + "x",
                                           "confirm": PASSWORD + "x"})
    with app.app_context():
        deliver_due()
    assert len(twilio.accepted) == 1 and len(sms_rows(db)) == 1


def queue_texts(app, count):
    from app.notifications.sms_messages import queue_password_changed_sms

    user_id = opted_in_member(app)
    with app.test_request_context():
        rows = [queue_password_changed_sms(user_id, link="http://localhost/forgot") for _ in range(count)]
        _db.session.commit()
        return [row.id for row in rows]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_temporary_failures_are_retried_with_backoff(app, db, twilio, status):
    queue_texts(app, 1)
    twilio.answers = [status, status]
    with app.app_context():
        assert deliver_due() == (0, 1)
        assert deliver_due() == (0, 0)  # backing off
        assert deliver_due(now=utcnow() + timedelta(minutes=2)) == (0, 1)
        assert deliver_due(now=utcnow() + timedelta(minutes=2)) == (0, 0)  # 5 minutes after the second
        assert deliver_due(now=utcnow() + timedelta(minutes=8)) == (1, 0)
    [row] = sms_rows(db)
    assert (row.status, row.attempts) == ("sent", 3) and len(twilio.accepted) == 1
    assert len(twilio.requests) == 3


def test_a_4xx_fails_for_good_without_retry(app, db, twilio):
    queue_texts(app, 1)
    twilio.answers = [400]
    with app.app_context():
        assert deliver_due() == (0, 1)
        assert deliver_due(now=utcnow() + timedelta(days=1)) == (0, 0)
    [row] = sms_rows(db)
    assert (row.status, row.attempts) == ("failed", 1) and "HTTP 400" in row.last_error
    assert len(twilio.requests) == 1


def test_wrong_credentials_are_a_permanent_failure(app, db, twilio):
    app.config["TWILIO_AUTH_TOKEN"] = "wrong"
    queue_texts(app, 1)
    with app.app_context():
        deliver_due()
    [row] = sms_rows(db)
    assert row.status == "failed" and "HTTP 401" in row.last_error and twilio.accepted == []


def test_provider_down_for_a_while_then_back_nothing_lost_or_doubled(app, db, twilio, runner):
    ids = queue_texts(app, 5)
    twilio.stop()
    for minutes in (0, 2, 8):  # three runs of the delivery command while it is down
        with app.app_context():
            assert deliver_due(now=utcnow() + timedelta(minutes=minutes)) == (0, len(ids))
    assert all(row.status == "pending" for row in sms_rows(db))
    twilio.start()
    make_due(db)
    result = runner.invoke(args=["messages", "deliver"])
    assert result.exit_code == 0 and "sent 5, not sent 0" in result.output
    assert "sent 0, not sent 0" in runner.invoke(args=["messages", "deliver"]).output
    assert len(twilio.accepted) == 5 and [row.status for row in sms_rows(db)] == ["sent"] * 5
    stats = runner.invoke(args=["messages", "stats"]).output
    assert "sms" in stats and "5" in stats.split("sms", 1)[1].splitlines()[0]


def test_without_a_provider_texts_are_written_to_files(app, db, tmp_path):
    app.config.update(TWILIO_ACCOUNT_SID=None, SMS_FILE_DIR=str(tmp_path / "sms"))
    [message_id] = queue_texts(app, 1)
    with app.app_context():
        assert deliver_due() == (1, 0)
    [written] = (tmp_path / "sms").iterdir()
    assert written.name == f"{message_id:06d}.txt" and MOBILE in written.read_text()


def test_texts_fit_one_segment():
    link = "https://shop.example.com/orders/O-20261129-ABCDEF"
    for body in (texts.order_confirmed("The Shop", "O-20261129-ABCDEF", link),
                 texts.order_shipped("The Shop", "O-20261129-ABCDEF", "DHL 1234567890 – tracked “express”", link),
                 texts.order_shipped("A Very Long Shop Name That Goes On", "O-20261129-ABCDEF", "x" * 200, link),
                 texts.password_changed("The Shop", "https://shop.example.com/forgot-password")):
        assert texts.fits_one_segment(body), (len(body), body)
    assert texts.gsm7_length("€") == 2 and texts.gsm7_length("😀") is None
    assert not texts.fits_one_segment("x" * 161)
