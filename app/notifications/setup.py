"""Plugging the notifications domain into the app: the SMS channel and the consent gates into the outbox."""
from app.mail.channels import register_channel, register_consent_gate
from app.notifications.gates import GATES
from app.notifications.sms import send_sms


def register_notifications(app):
    register_channel("sms", send_sms)
    for purpose, allows in GATES.items():
        register_consent_gate(purpose, allows)
