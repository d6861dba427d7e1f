"""Braintree's webhook endpoint, and the admin's capture / void / refund buttons on an order."""
import logging
import re

from flask import abort, current_app, flash, jsonify, redirect, request, url_for

from app.auth.decorators import admin_required
from app.extensions import csrf
from app.money import InvalidAmount, parse_money
from app.orders.admin_actions import admin_actor, run_admin_action
from app.payments import bp
from app.payments.gateway import InvalidWebhook
from app.payments.gateways import current_gateway
from app.payments.operations import cancel_authorized, capture, refund
from app.payments.webhooks import handle_notice

log = logging.getLogger(__name__)


@bp.post("/webhooks/braintree")
@csrf.exempt  # Braintree cannot send our CSRF token; the SDK's signature check stands in for it
def braintree_webhook():
    signature, payload = request.form.get("bt_signature"), request.form.get("bt_payload")
    if not signature or not payload:
        abort(400)
    try:
        notice = current_gateway().parse_webhook(signature, payload)
    except InvalidWebhook as error:
        log.warning("webhook refused: %s", error)
        abort(400)
    return jsonify(result=handle_notice(notice))


@bp.post("/admin/orders/<number>/capture")
@admin_required
def admin_capture(number):
    return run_admin_action(number, lambda: capture(number, gateway=current_gateway(), actor=admin_actor()), "Payment captured.")


@bp.post("/admin/orders/<number>/void")
@admin_required
def admin_void(number):
    return run_admin_action(number, lambda: cancel_authorized(number, gateway=current_gateway(), actor=admin_actor()),
                "Payment released and order cancelled.")


@bp.post("/admin/orders/<number>/refund")
@admin_required
def admin_refund(number):
    text = request.form.get("amount", "").strip()
    try:
        amount = parse_money(text, current_app.config["CURRENCY"]) if text else None
    except InvalidAmount as error:
        flash(f"{error}. Enter an amount like 12.50, or leave it empty to refund everything left.", "error")
        return redirect(url_for("orders.admin_detail", number=number), 303)
    key = request.form.get("refund_key", "")
    key = key if re.fullmatch(r"[0-9a-f]{32}", key) else None
    return run_admin_action(number, lambda: refund(number, amount=amount, gateway=current_gateway(), actor=admin_actor(),
                                                   request_key=key),
                "Refund done; the shopper is told.")
