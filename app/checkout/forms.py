"""Checkout forms. The address fields and their rules are the account's (app.auth.forms.AddressForm), so a
saved address and a checkout address are checked the same way."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from app.auth.forms import AddressForm, strip
from app.notifications.forms import MobilePhone

NEW_ADDRESS = "new"


class ContactForm(AddressForm):
    """Guests give an email; members pick a saved address (address_choice = its id) or a new one."""

    email = EmailField("Email", filters=[strip], validators=[Optional(), Email(check_deliverability=False),
                                                             Length(max=254)])
    # A saved address's id, or "new" (radio buttons in the template; checked in validate()).
    address_choice = StringField("Ship to", default=NEW_ADDRESS, validators=[Length(max=20)])
    save_address = BooleanField("Save this address to my account")
    # Opt-in to this order's updates by SMS (off unless ticked); the number is kept in E.164 (sms_phone.e164).
    sms_updates = BooleanField("Text me when my order is confirmed and when it ships")
    sms_phone = StringField("Mobile number for texts", filters=[strip], validators=[Length(max=40), MobilePhone()])

    def __init__(self, *args, guest=True, saved_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.guest, self.saved_ids = guest, {str(i) for i in saved_ids}

    def uses_saved_address(self):
        return not self.guest and self.address_choice.data in self.saved_ids

    def validate(self, extra_validators=None):
        if self.uses_saved_address():
            # The saved address was checked when it was saved; its fields are not posted.
            for name in ("full_name", "line1", "line2", "city", "region", "postcode", "country", "phone"):
                getattr(self, name).validators = [Optional()]
        ok = super().validate(extra_validators)
        if self.guest and not self.email.data:
            self.email.errors.append("Enter the email address for your order confirmation.")
            ok = False
        if self.sms_updates.data and not self.sms_phone.data:
            self.sms_phone.errors.append("Enter the mobile number for the texts, or untick the box.")
            ok = False
        if not self.guest and self.address_choice.data not in self.saved_ids | {NEW_ADDRESS}:
            self.address_choice.errors.append("Choose one of your addresses or a new one.")
            ok = False
        return ok


class ShippingForm(FlaskForm):
    method = StringField("Shipping method", validators=[InputRequired("Choose a shipping method.")])

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = tuple(codes)

    def validate_method(self, field):
        if field.data not in self.codes:
            raise ValidationError("Choose one of the shipping methods.")


class PlaceOrderForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{20,64}$")])
    quote = HiddenField(validators=[DataRequired(), Length(max=20000)])
    payment_method_nonce = HiddenField(validators=[
        DataRequired("Choose how to pay."), Length(max=500),
        Regexp(r"^[A-Za-z0-9_\-]+$", message="The card entry was not understood. Please enter the card again.")])
