"""Admin pages for promotions at /admin/promotions: compose, preview, test, send, follow the progress."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin.audit import actions_for
from app.auth.decorators import admin_required
from app.htmx import render
from app.notifications import bp
from app.notifications.forms import PromotionForm
from app.notifications.promotions import (
    PromotionError, PromotionNotFound, create_promotion, get_promotion, list_promotions, parse_skus,
    promotion_counts, render_promotion, send_test, start_sending, update_promotion,
)
from app.notifications.unsubscribe import unsubscribe_url


def actor():
    return current_user._get_current_object()


def found(promotion_id):
    try:
        return get_promotion(promotion_id)
    except PromotionNotFound:
        abort(404)


@bp.get("/admin/promotions")
@admin_required
def promotions():
    return render_template("admin/promotions.html", promotions=list_promotions(), form=PromotionForm(formdata=None))


@bp.post("/admin/promotions")
@admin_required
def promotion_create():
    form = PromotionForm()
    if form.validate_on_submit():
        try:
            promotion = create_promotion(actor=actor(), subject=form.subject.data, body_text=form.body_text.data,
                                         skus=parse_skus(form.skus.data))
        except PromotionError as error:
            form.skus.errors.append(str(error))
        else:
            flash("Promotion saved as a draft. Preview it and send yourself a test.", "success")
            return redirect(url_for("notifications.promotion", promotion_id=promotion.id), 303)
    return render_template("admin/promotions.html", promotions=list_promotions(), form=form), 422


def render_promotion_page(promotion, form=None, status=200):
    form = form or PromotionForm(formdata=None, subject=promotion.subject, body_text=promotion.body_text,
                                 skus="\n".join(promotion.skus))
    try:
        preview_text, preview_html = render_promotion(promotion, unsubscribe_url(actor().id, promotion.id))
    except PromotionError as error:  # a product went off sale since the draft was saved
        preview_text, preview_html = f"(No preview: {error})", ""
    return render_template("admin/promotion.html", promotion=promotion, form=form, preview_text=preview_text,
                           preview_html=preview_html, counts=promotion_counts(promotion.id),
                           actions=actions_for("promotion", promotion.id)), status


@bp.get("/admin/promotions/<int:promotion_id>")
@admin_required
def promotion(promotion_id):
    return render_promotion_page(found(promotion_id))


@bp.post("/admin/promotions/<int:promotion_id>")
@admin_required
def promotion_update(promotion_id):
    promotion = found(promotion_id)
    form = PromotionForm()
    if form.validate_on_submit():
        try:
            update_promotion(promotion.id, actor=actor(), subject=form.subject.data, body_text=form.body_text.data,
                             skus=parse_skus(form.skus.data))
        except PromotionError as error:
            form.skus.errors.append(str(error))
        else:
            flash("Draft saved.", "success")
            return redirect(url_for("notifications.promotion", promotion_id=promotion.id), 303)
    return render_promotion_page(promotion, form, 422)


@bp.post("/admin/promotions/<int:promotion_id>/test")
@admin_required
def promotion_test(promotion_id):
    promotion = found(promotion_id)
    try:
        send_test(promotion.id, actor=actor())
    except PromotionError as error:
        flash(str(error), "error")
    else:
        flash(f"A test is on its way to {actor().email}.", "info")
    return redirect(url_for("notifications.promotion", promotion_id=promotion.id), 303)


@bp.post("/admin/promotions/<int:promotion_id>/send")
@admin_required
def promotion_send(promotion_id):
    promotion = found(promotion_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm sending to every member who opted in.", "error")
        return redirect(url_for("notifications.promotion", promotion_id=promotion.id), 303)
    try:
        start_sending(promotion.id, actor=actor(), batch_size=current_app.config["PROMOTION_BATCH_SIZE"])
    except PromotionError as error:
        flash(str(error), "error")
    else:
        flash("Sending: the first batch is on its way; `flask messages deliver` sends the rest, batch by batch.", "info")
    return redirect(url_for("notifications.promotion", promotion_id=promotion.id), 303)


@bp.get("/admin/promotions/<int:promotion_id>/progress")
@admin_required
def promotion_progress(promotion_id):
    """The counts table: polled by htmx while the promotion is being sent; a page of its own without JS."""
    promotion = found(promotion_id)
    return render("admin/promotion_progress.html", "partials/admin/promotion_progress.html", promotion=promotion,
                  counts=promotion_counts(promotion.id))
