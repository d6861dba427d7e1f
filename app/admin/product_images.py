"""Admin pages for one product's images: upload several, choose the main one, reorder, delete.
Plain forms (each works without JS); every write redirects back to the page with 303."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.audit import actions_for, recorder_for
from app.auth.decorators import admin_required
from app.catalog.image_processing import ALLOWED_FORMATS
from app.catalog.images import (
    ImageNotFound,
    ImagesRefused,
    add_product_images,
    delete_image,
    move_image,
    product_with_images,
    set_main_image,
)
from app.catalog.services import ProductNotFound
from app.ops.security import accepts_uploads

ACCEPT = ",".join(f"image/{fmt.lower()}" for fmt in ALLOWED_FORMATS)
MOVES = {"earlier": -1, "later": 1}


def _product_or_404(product_id):
    try:
        return product_with_images(product_id)
    except ProductNotFound:
        abort(404)


def _page(product, refused=(), status=200):
    return render_template("admin/product_images.html", product=product, refused=refused, accept=ACCEPT,
                           max_mb=current_app.config["PRODUCT_IMAGE_MAX_BYTES"] // (1024 * 1024),
                           max_files=current_app.config["PRODUCT_IMAGE_MAX_FILES"],
                           actions=actions_for("product", product.id)), status


@bp.get("/products/<int:product_id>/images")
@admin_required
def product_images(product_id):
    return _page(_product_or_404(product_id))


@bp.post("/products/<int:product_id>/images")
@accepts_uploads
@admin_required
def upload_product_images(product_id):
    product = _product_or_404(product_id)
    uploads = [(f.filename, f.stream) for f in request.files.getlist("images") if f.filename or f.content_length]
    try:
        added = add_product_images(product.id, uploads, recorder_for(current_user))
    except ImagesRefused as refused:
        return _page(_product_or_404(product_id), refused=refused.reasons, status=422)
    flash(f"Added {len(added)} image{'s' if len(added) != 1 else ''}.", "info")
    return redirect(url_for("admin.product_images", product_id=product.id), 303)


def _image_action(product_id, action):
    """Run `action(record_action)` for the signed-in admin; unknown product or image ids are a 404."""
    try:
        action(recorder_for(current_user))
    except (ProductNotFound, ImageNotFound):
        abort(404)
    return redirect(url_for("admin.product_images", product_id=product_id), 303)


@bp.post("/products/<int:product_id>/images/<int:image_id>/main")
@admin_required
def main_product_image(product_id, image_id):
    return _image_action(product_id, lambda record: set_main_image(product_id, image_id, record))


@bp.post("/products/<int:product_id>/images/<int:image_id>/move")
@admin_required
def move_product_image(product_id, image_id):
    step = MOVES.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    return _image_action(product_id, lambda record: move_image(product_id, image_id, step, record))


@bp.post("/products/<int:product_id>/images/<int:image_id>/delete")
@admin_required
def delete_product_image(product_id, image_id):
    return _image_action(product_id, lambda record: delete_image(product_id, image_id, record))
