"""Consent forms: the member's contact choices (profile) and the checkout's SMS opt-in fields."""
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.notifications.phones import InvalidPhone, normalise_phone


def strip(value):
    return value.strip() if isinstance(value, str) else value


class MobilePhone:
    """Checks the number with `phonenumbers` and keeps its E.164 form in field.e164."""

    def __call__(self, form, field):
        field.e164 = ""
        if not field.data:
            return
        try:
            field.e164 = normalise_phone(field.data, current_app.config["SHOP_PHONE_REGION"])
        except InvalidPhone as error:
            raise ValidationError(str(error)) from None


class ContactPreferencesForm(FlaskForm):
    mobile_phone = StringField("Mobile number", filters=[strip], validators=[Length(max=40), MobilePhone()])
    sms_order_updates = BooleanField("Order updates by SMS")
    email_news = BooleanField("News and offers by email")

    def validate_sms_order_updates(self, field):
        if field.data and not self.mobile_phone.data:
            raise ValidationError("Add a mobile number to get order updates by SMS.")


class PromotionForm(FlaskForm):
    subject = StringField("Subject", filters=[strip], validators=[DataRequired(), Length(max=200)])
    body_text = TextAreaField("Text", filters=[strip], validators=[DataRequired(), Length(max=20000)])
    skus = TextAreaField("Products (SKUs, one per line or comma-separated, up to 6)", validators=[Length(max=1000)])
