"""SMS texts, written to fit one segment: 160 characters of the GSM 03.38 alphabet.

A text with any character outside that alphabet is sent as UCS-2, where a segment holds only 70, so the
variable parts (shop name, tracking note) are cleaned to GSM-7 and shortened before a link is dropped.
"""
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€")  # two septets each
SEGMENT = 160


def gsm7_length(text):
    """Septets the text takes in GSM-7, or None if it needs UCS-2."""
    length = 0
    for char in text:
        if char in GSM7_BASIC:
            length += 1
        elif char in GSM7_EXTENDED:
            length += 2
        else:
            return None
    return length


def fits_one_segment(text):
    length = gsm7_length(text)
    return length is not None and length <= SEGMENT


def gsm7_clean(text, limit):
    """The text with characters outside GSM-7 replaced (typographic quotes and dashes by their plain
    forms, others by '?'), cut to `limit` septets."""
    replacements = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."}
    out, used = [], 0
    for char in (text or "").replace("\r", " ").replace("\n", " "):
        char = replacements.get(char, char)
        size = gsm7_length(char) or 1
        if gsm7_length(char) is None:
            char = "?"
        if used + size > limit:
            break
        out.append(char)
        used += size
    return "".join(out).strip()


def first_fitting(*candidates):
    """The first candidate that fits one segment (the last one otherwise: it goes as several)."""
    for text in candidates:
        if fits_one_segment(text):
            return text
    return candidates[-1]


def order_confirmed(shop, number, link):
    shop = gsm7_clean(shop, 30)
    return first_fitting(f"{shop}: your order {number} is confirmed. Details: {link}",
                         f"{shop}: your order {number} is confirmed.")


def order_shipped(shop, number, tracking, link):
    shop = gsm7_clean(shop, 30)
    tracking = gsm7_clean(tracking, 60)
    track = f" Tracking: {tracking}." if tracking else ""
    return first_fitting(f"{shop}: order {number} is on its way.{track} {link}",
                         f"{shop}: order {number} is on its way.{track}",
                         f"{shop}: order {number} is on its way. {link}")


def password_changed(shop, link):
    shop = gsm7_clean(shop, 30)
    return first_fitting(f"{shop}: your password was just changed. Not you? Reset it: {link}",
                         f"{shop}: your password was just changed. If it was not you, reset it now.")
