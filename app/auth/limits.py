"""Rate limits for the account endpoints (Flask-Limiter), per account and per client address.

The limit strings come from the config (RATELIMIT_LOGIN, ...) so an operator can tune them. Login
counts only failed attempts (a 422 answer), so a shopper who logs in and out is never locked out.

Login is limited so that a stranger cannot lock the owner out (docs/accounts.md, "Rate limits"):
tightly per (account, address) pair, which is all one prober can ever reach; loosely per account, which
only many addresses together reach (distributed guessing); and per address across accounts.
"""
from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.auth.services import normalise_email
from app.extensions import limiter


def _account_from_form():
    return "account:" + normalise_email(request.form.get("email"))


def _account_at_address():
    return f"{_account_from_form()} from:{get_remote_address()}"


def _signed_in_account():
    return f"user:{current_user.get_id().partition(':')[0]}" if current_user.is_authenticated else get_remote_address()


def _config(name):
    return lambda: current_app.config[name]


def _failed(response):
    return response.status_code == 422


def _limit(setting, key_func, deduct_when=None):
    return limiter.limit(_config(setting), key_func=key_func, methods=["POST"], deduct_when=deduct_when)


def _all_of(*limits):
    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate


def limited(setting, account_key=_account_from_form, deduct_when=None):
    """Apply the `setting` limit twice: per account (the key function) and per client address."""
    return _all_of(_limit(setting, get_remote_address, deduct_when), _limit(setting, account_key, deduct_when))


login_limit = _all_of(
    _limit("RATELIMIT_LOGIN", _account_at_address, deduct_when=_failed),
    _limit("RATELIMIT_LOGIN_ACCOUNT", _account_from_form, deduct_when=_failed),
    _limit("RATELIMIT_LOGIN_ADDRESS", get_remote_address, deduct_when=_failed),
)
register_limit = limited("RATELIMIT_REGISTER")
reset_limit = limited("RATELIMIT_RESET")
reverify_limit = limited("RATELIMIT_REVERIFY", account_key=_signed_in_account)
