"""The send-time consent checks, one per purpose, registered with the outbox (app.mail.channels).

Each is asked just before its message leaves, in the delivery transaction: a number or address whose
consent was withdrawn after the message was queued is skipped, never sent.
"""
from app.notifications.consent import member_sms_number, order_sms_number, wants_news
from app.notifications.sms_messages import ACCOUNT_SMS, ORDER_SMS

PROMOTION = "promotion"


def order_sms_allowed(message):
    return order_sms_number(message.order_id, message.user_id) == message.recipient


def account_sms_allowed(message):
    return member_sms_number(message.user_id) == message.recipient


def promotion_allowed(message):
    return wants_news(message.user_id)


GATES = {ORDER_SMS: order_sms_allowed, ACCOUNT_SMS: account_sms_allowed, PROMOTION: promotion_allowed}
