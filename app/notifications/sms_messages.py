"""Queueing the shop's SMS: order confirmed, order shipped, password changed.

Each is added to the caller's session (no commit) like queue_email, so it exists exactly when the change
that causes it does, and only for a number that has opted in now; the send-time gate asks again.
"""
from flask import current_app

from app.mail.services import queue_message
from app.notifications import texts
from app.notifications.consent import member_sms_number, order_sms_number

ORDER_SMS, ACCOUNT_SMS = "order_sms", "account_sms"


def queue_order_sms(order, kind, *, link, tracking=""):
    """kind: "confirmed" or "shipped". Returns the outbox row, or None when nobody opted in."""
    number = order_sms_number(order.id, order.user_id)
    if number is None:
        return None
    shop = current_app.config["SHOP_NAME"]
    if kind == "confirmed":
        body = texts.order_confirmed(shop, order.number, link)
    elif kind == "shipped":
        body = texts.order_shipped(shop, order.number, tracking, link)
    else:
        raise ValueError(f"no SMS for {kind!r}")
    return queue_message("sms", number, f"order {kind}", body, purpose=ORDER_SMS, user_id=order.user_id,
                         order_id=order.id)


def queue_password_changed_sms(user_id, *, link):
    """A security notice to a member who chose SMS updates (the same consent: texts from the shop)."""
    number = member_sms_number(user_id)
    if number is None:
        return None
    body = texts.password_changed(current_app.config["SHOP_NAME"], link)
    return queue_message("sms", number, "password changed", body, purpose=ACCOUNT_SMS, user_id=user_id)
