"""The unsubscribe link of promotional email: GET shows a button, POST unsubscribes. No login: the signed
token names the member. The POST is exempt from CSRF (and only it): RFC 8058 mail clients POST
`List-Unsubscribe=One-Click` to the List-Unsubscribe URL without any token of ours; the signature stands
in for it, and all it can do is turn an email choice off."""
from flask import render_template, request

from app.extensions import csrf
from app.notifications import bp
from app.notifications.consent import stop_news
from app.notifications.promotions import unsubscribe_source
from app.notifications.unsubscribe import BadUnsubscribeToken, read_unsubscribe_token


def _bad_link():
    return render_template("notifications/unsubscribe.html", state="invalid"), 400


@bp.get("/unsubscribe/<token>")
def unsubscribe(token):
    try:
        read_unsubscribe_token(token)
    except BadUnsubscribeToken:
        return _bad_link()
    return render_template("notifications/unsubscribe.html", state="confirm", token=token)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_post(token):
    try:
        user_id, promotion_id = read_unsubscribe_token(token)
    except BadUnsubscribeToken:
        return _bad_link()
    stop_news(user_id, source=unsubscribe_source(promotion_id))
    if request.form.get("List-Unsubscribe") == "One-Click":
        return "You are unsubscribed.\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("notifications/unsubscribe.html", state="done")
