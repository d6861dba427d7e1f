"""Order mail (and SMS where the shopper opted in), through the outbox in the caller's transaction (it
exists exactly when the change does). Every message carries the order's link
(app.orders.links.order_link), built on SHOP_BASE_URL."""
from flask import current_app

from app.mail.services import queue_email
from app.notifications.sms_messages import queue_order_sms
from app.orders.links import order_link

SUBJECTS = {
    "order_confirmation": "Your order {number} is confirmed",
    "order_authorized": "We have your order {number}",
    "order_shipped": "Your order {number} is on its way",
    "order_refunded": "A refund for your order {number}",
    "order_cancelled": "Your order {number} is cancelled",
    "order_payment_not_completed": "Your order {number}: the payment did not go through",
}


# The order emails that also go by SMS to a number that opted in, and which text they send.
SMS_KINDS = {"order_confirmation": "confirmed", "order_authorized": "confirmed", "order_shipped": "shipped"}


def queue_order_email(order, template, **context):
    subject = SUBJECTS[template].format(number=order.number)
    if template in SMS_KINDS:
        # The SMS carries the carrier's tracking number (or, without one, the admin's note).
        tracking = order.tracking_number or context.get("note", "")
        queue_order_sms(order, SMS_KINDS[template], link=order_link(order), tracking=tracking)
    return queue_email(order.email, subject, template, order=order, link=order_link(order),
                       currency=order.currency, shop_name=current_app.config["SHOP_NAME"], **context)
