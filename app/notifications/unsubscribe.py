"""The one-click unsubscribe link of promotional email: a member id and a promotion id signed with
SECRET_KEY (salted for this use only). No login and no expiry: a link in an old email must still work."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.ops.links import external_url

_SALT = "notifications.unsubscribe"


class BadUnsubscribeToken(ValueError):
    pass


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def unsubscribe_token(user_id, promotion_id):
    return _serializer().dumps([user_id, promotion_id])


def read_unsubscribe_token(token):
    """(user_id, promotion_id) from a token this shop signed; BadUnsubscribeToken otherwise."""
    try:
        user_id, promotion_id = _serializer().loads(token or "")
    except (BadSignature, ValueError, TypeError):
        raise BadUnsubscribeToken("This unsubscribe link is not valid.") from None
    if not isinstance(user_id, int) or not isinstance(promotion_id, int):
        raise BadUnsubscribeToken("This unsubscribe link is not valid.")
    return user_id, promotion_id


def unsubscribe_url(user_id, promotion_id):
    return external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, promotion_id))


def unsubscribe_headers(url):
    """RFC 2369 List-Unsubscribe and RFC 8058 one-click: mail clients POST List-Unsubscribe=One-Click there."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
