"""Mobile numbers: parsed and checked by `phonenumbers` (Google's libphonenumber rules), stored in E.164.

A number written without a country code is read in SHOP_PHONE_REGION (an ISO country code, e.g. "GB").
"""
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType


class InvalidPhone(ValueError):
    pass


MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_phone(raw, region):
    """'+44 7700 900123' or '07700 900123' (region GB) -> '+447700900123'; InvalidPhone otherwise."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("Enter a mobile number.")
    if len(text) > 40:
        raise InvalidPhone("That is too long for a phone number.")
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except NumberParseException:
        raise InvalidPhone("That is not a phone number we can read. Include the country code, e.g. +44.") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("That is not a valid phone number.")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise InvalidPhone("That number cannot receive text messages: enter a mobile number.")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def display_phone(e164):
    """The stored number in international format, for showing it back."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), PhoneNumberFormat.INTERNATIONAL)
    except NumberParseException:
        return e164
