"""Jinja filters and globals shared by every template."""
from flask import current_app
from flask_wtf.csrf import generate_csrf

from app.money import currency_symbol, format_money
from app.ops.links import canonical_url, external_url
from app.ops.shared_html import layout_part, per_shopper

HTMX_CONFIG = {
    "selfRequestsOnly": True,
    "allowScriptTags": False,
    "allowEval": False,  # our CSP has no 'unsafe-eval'
    "historyRestoreAsHxRequest": False,
    "includeIndicatorStyles": False,  # our CSP has no inline styles; static/css/shop.css styles indicators
    "defaultSwapStyle": "outerHTML",
    # One rule for errors: 422 carries a re-rendered form and is swapped like a 200; other 4xx/5xx
    # fragments are swapped too, and the server retargets them to the alerts region (HX-Retarget).
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {"code": "[45]..", "swap": True, "error": True},
    ],
}


def register_template_helpers(app):
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals["htmx_config"] = HTMX_CONFIG
    # The shopper's own values: in a shared render (app/ops/shared_html.py) they become slots. Flask-WTF
    # offers csrf_token both as a global and from a context processor; both are replaced (the context
    # processor below is registered after Flask-WTF's, so its value wins).
    csrf_token = app.jinja_env.globals["csrf_token"] = per_shopper("csrf_token", generate_csrf)
    app.jinja_env.globals["layout_part"] = layout_part
    app.jinja_env.globals["canonical_url"] = canonical_url
    app.jinja_env.globals["external_url"] = external_url

    @app.context_processor
    def shop_globals():
        return {"shop_name": current_app.config["SHOP_NAME"], "shop_description": current_app.config["SHOP_DESCRIPTION"],
                "csrf_token": csrf_token,
                "currency_symbol": currency_symbol(current_app.config["CURRENCY"])}
