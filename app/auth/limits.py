"""Rate limits for the account endpoints (Flask-Limiter), per account and per client address.

The limit strings come from the config (RATELIMIT_LOGIN, ...) so an operator can tune them. Login
counts only failed attempts (a 422 answer), so a shopper who logs in and out is never locked out.
"""
from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.auth.services import normalise_email
from app.extensions import limiter


def _account_from_form():
    return "account:" + normalise_email(request.form.get("email"))


def _signed_in_account():
    return f"user:{current_user.get_id().partition(':')[0]}" if current_user.is_authenticated else get_remote_address()


def _config(name):
    return lambda: current_app.config[name]


def _failed(response):
    return response.status_code == 422


def limited(setting, account_key=_account_from_form, deduct_when=None):
    """Apply the `setting` limit twice: per account (the key function) and per client address."""
    by_account = limiter.limit(_config(setting), key_func=account_key, methods=["POST"], deduct_when=deduct_when)
    by_address = limiter.limit(_config(setting), key_func=get_remote_address, methods=["POST"],
                               deduct_when=deduct_when)

    def decorate(view):
        return by_address(by_account(view))

    return decorate


login_limit = limited("RATELIMIT_LOGIN", deduct_when=_failed)
register_limit = limited("RATELIMIT_REGISTER")
reset_limit = limited("RATELIMIT_RESET")
reverify_limit = limited("RATELIMIT_REVERIFY", account_key=_signed_in_account)
