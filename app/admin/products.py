"""The admin's products: the list (search, filters, pages, inline stock and on-sale edits), the create and
edit forms, and removal (archived when ordered, deleted otherwise). Every write is a catalog service call
with the admin as actor, so the change log (and with it search) and the audit trail follow."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.audit import actions_for
from app.admin.forms import ConfirmForm, ProductForm, ProductRowForm
from app.admin.product_list import LOW_STOCK, MAX_PAGE, ProductListParams, product_page
from app.auth.decorators import admin_required
from app.catalog.models import Product
from app.catalog.queries import list_categories
from app.catalog.services import (DuplicateValue, InvalidProduct, ProductNotFound, create_product,
                                  product_was_ordered, remove_product, update_product)
from app.extensions import db
from app.htmx import add_vary, is_fragment_request, render
from app.money import to_decimal


def _actor():
    return current_user._get_current_object()


def _back_to_list(target):
    """Only our own product list (with its filters) is a place to come back to."""
    if isinstance(target, str) and target.startswith("/admin/products") and "//" not in target and "\\" not in target:
        return target
    return url_for("admin.products")


def _category_names():
    return {category.id: category.name for category in list_categories()}


@bp.get("/products")
@admin_required
def products():
    params = ProductListParams.from_args(request.args)
    return render("admin/products.html", "partials/admin/product_table.html", listing=product_page(params),
                  categories=list_categories(), category_names=_category_names(), low_stock=LOW_STOCK,
                  max_page=MAX_PAGE, here=request.full_path.rstrip("?"))


def _product_form(product=None):
    currency = product.currency if product is not None else current_app.config["CURRENCY"]
    form = ProductForm(obj=product, categories=list_categories(), currency=currency)
    if product is not None and request.method == "GET":
        form.price.data = str(to_decimal(product.price, product.currency))
    return form


def _save_failed(form, error):
    """A refusal from the service goes on its field (a taken slug or SKU) or above the form."""
    if isinstance(error, DuplicateValue):
        getattr(form, error.field).errors.append(str(error))
    else:
        form.form_errors.append(str(error))


@bp.route("/products/new", methods=["GET", "POST"])
@admin_required
def new_product():
    form = _product_form()
    if form.validate_on_submit():
        try:
            product = create_product(actor=_actor(), **form.values())
        except InvalidProduct as error:
            db.session.rollback()
            _save_failed(form, error)
        else:
            flash(f"Created {product.name}.", "success")
            return redirect(url_for("admin.edit_product", product_id=product.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/product_form.html", form=form, product=None), status


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@admin_required
def edit_product(product_id):
    product = db.get_or_404(Product, product_id)
    form = _product_form(product)
    if form.validate_on_submit():
        try:
            update_product(product.id, actor=_actor(), **form.values())
        except InvalidProduct as error:
            db.session.rollback()
            _save_failed(form, error)
        else:
            flash(f"Saved {form.name.data}.", "success")
            return redirect(url_for("admin.edit_product", product_id=product_id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/product_form.html", form=form, product=product, confirm=ConfirmForm(),
                           ordered=product_was_ordered(product_id), actions=actions_for("product", product_id)), status


@bp.post("/products/<int:product_id>/row")
@admin_required
def update_product_row(product_id):
    """The list's inline edit. htmx gets the row back (422 with the message when refused); a plain form
    post goes back to the list it came from (303), with the message flashed."""
    product = db.get_or_404(Product, product_id)
    form = ProductRowForm()
    back = _back_to_list(form.next.data)
    error = None
    if form.validate():
        try:
            update_product(product.id, actor=_actor(), audit_action="product.quick_edit",
                           stock=form.stock.data, is_active=form.is_active.data)
        except InvalidProduct as refused:
            db.session.rollback()
            error = str(refused)
    else:
        error = next(iter(form.errors.values()))[0] if form.errors else "Check the values."
    if not is_fragment_request():
        if error:
            flash(f"{product.name}: {error}", "error")
        else:
            flash(f"{product.name}: stock {product.stock}, {'on sale' if product.is_active else 'archived'}.", "success")
        return add_vary(redirect(back, 303))
    db.session.refresh(product)
    response = current_app.make_response((render_template(
        "partials/admin/product_row.html", product=product, category_names=_category_names(), here=back,
        error=error, low_stock=LOW_STOCK), 422 if error else 200))
    return add_vary(response)


@bp.post("/products/<int:product_id>/remove")
@admin_required
def remove_product_view(product_id):
    product = db.get_or_404(Product, product_id)
    name = product.name
    if not ConfirmForm().validate():
        abort(400)
    try:
        outcome = remove_product(product_id, actor=_actor())
    except ProductNotFound:
        abort(404)
    if outcome == "archived":
        flash(f"{name} appears in orders, so it was archived (taken off sale, kept for the orders) instead of deleted.", "info")
        return redirect(url_for("admin.edit_product", product_id=product_id), 303)
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("admin.products"), 303)


