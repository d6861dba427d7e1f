"""Promotions in a real browser: an admin composes, previews and sends; the counts table updates by itself
(htmx polling) while the delivery command sends the batches; a member unsubscribes from the email's link."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db as _db
from app.mail.services import deliver_due
from app.notifications.consent import update_preferences, wants_news
from app.notifications.promotions import queue_due_batches
from tests.factories import PASSWORD, make_user


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.config, "PROMOTION_BATCH_SIZE": 1}


def test_compose_send_watch_progress_and_unsubscribe(app, live_server, page, smtp_server, make_product):
    make_product("Walnut Desk Lamp", price=4900, sku="LAMP-1")
    members = [make_user(app, f"m{n}@example.com") for n in range(3)]
    with app.app_context():
        for user_id in members:
            update_preferences(user_id, mobile_phone="", sms_order_updates=False, email_news=True)
    make_user(app, "boss@example.com", admin=True)

    page.goto(live_server.url + "/login")
    page.fill("#email", "boss@example.com")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    page.goto(live_server.url + "/admin/promotions")
    page.fill("#subject", "Autumn offers")
    page.fill("#body_text", "Ten percent off lamps this week.")
    page.fill("#skus", "LAMP-1")
    page.click("button:has-text('Save draft and preview')")
    page.wait_for_selector("#preview-text:has-text('Walnut Desk Lamp')")
    page.check("#confirm-send")
    page.click("#send-all")
    page.wait_for_selector("#promotion-progress caption:has-text('sending')")

    smtp_server.wait_for(1)  # the first batch (one member) goes after the admin's response
    with app.app_context():
        for _ in range(3):  # the timer's runs: a batch each, once the previous one has left
            queue_due_batches(1)
            deliver_due()
    # The table updates without a reload: htmx polls it every 2 s.
    expect(page.locator("#promotion-progress td").nth(3)).to_have_text("3", timeout=10_000)  # the Sent column
    assert len(smtp_server.messages) == 3

    link = re.search(r"<([^>]+)>", smtp_server.to("m1@example.com")[0]["List-Unsubscribe"]).group(1)
    page.goto(link.replace("http://localhost", live_server.url))
    page.click("#unsubscribe-confirm")
    page.wait_for_selector("text=You are unsubscribed")
    with app.app_context():
        assert not wants_news(members[1]) and wants_news(members[0])
        _db.session.remove()
