"""What a shopper reads when a payment does not go through: plain words, what to do next, and that no
money was taken. The gateway's own codes and texts go to the payment record, for admins."""

TRY_ANOTHER = "No money was taken. You can try another card."

PROCESSOR = {
    "2001": "Your bank declined the payment: there are not enough funds on the card.",
    "2002": "Your bank declined the payment: the card's limit would be exceeded.",
    "2003": "Your bank declined the payment: the card's activity limit would be exceeded.",
    "2004": "The card has expired.",
    "2005": "The card number was not accepted. Check it, or use another card.",
    "2006": "The expiry date was not accepted. Check it, or use another card.",
    "2010": "The security code (CVV) did not match. Check it, or use another card.",
}
REJECTION = {
    "cvv": "The security code (CVV) did not match.",
    "avs": "The billing address did not match the card.",
    "avs_and_cvv": "The billing address and the security code did not match the card.",
    "duplicate": "This looks like a payment you just made. Check your email before paying again.",
    "application_incomplete": "The shop cannot take card payments right now.",
}
INVALID = {
    "81715": "The card number is not valid. Check it, or use another card.",
    "93107": "This card entry was already used. Please enter the card again.",
    "91564": "This card entry was already used. Please enter the card again.",
    "91565": "The card entry has expired. Please enter the card again.",
}


def shopper_message(result):
    """One or two sentences for a GatewayResult that is not approved."""
    if result.outcome == "failed":
        return "The card network did not answer. No money was taken. Please try again in a moment."
    if result.outcome == "declined":
        reason = PROCESSOR.get(result.code, "Your bank declined the payment.")
        return f"{reason} {TRY_ANOTHER}"
    if result.outcome == "rejected":
        reason = REJECTION.get(result.code, "We could not accept this card.")
        return f"{reason} {TRY_ANOTHER}"
    reason = INVALID.get(result.code, "The payment details were not accepted.")
    return f"{reason} {TRY_ANOTHER}"


UNAVAILABLE = ("We could not reach the payment service to confirm your payment. Please do not pay again: "
               "we will check with the payment service and email you as soon as we know.")
REFUSED = "Card payments are not working right now. No money was taken. Please try again later."
