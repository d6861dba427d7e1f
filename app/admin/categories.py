"""The admin's categories: list in shop order with move up/down, create, edit (name, slug), move all
products to another category, and delete an empty one. Writes go through app.catalog.categories."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.audit import actions_for
from app.admin.forms import CategoryForm, ConfirmForm, MoveProductsForm
from app.auth.decorators import admin_required
from app.catalog.categories import (CategoryError, CategoryNotFound, add_category, delete_category,
                                    edit_category, move_category, move_products, ordered_categories,
                                    product_counts)
from app.catalog.models import Category
from app.extensions import db


def _actor():
    return current_user._get_current_object()


def _checked_post():
    if not ConfirmForm().validate():
        abort(400)


@bp.get("/categories")
@admin_required
def categories():
    return render_template("admin/categories.html", categories=ordered_categories(), counts=product_counts(),
                           confirm=ConfirmForm())


def _save(form, save):
    try:
        return save()
    except CategoryError as error:
        db.session.rollback()
        form.slug.errors.append(str(error))
        return None


@bp.route("/categories/new", methods=["GET", "POST"])
@admin_required
def new_category():
    form = CategoryForm()
    if form.validate_on_submit():
        category = _save(form, lambda: add_category(_actor(), **form.values()))
        if category is not None:
            flash(f"Created {category.name}.", "success")
            return redirect(url_for("admin.categories"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/category_form.html", form=form, category=None), status


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@admin_required
def edit_category_view(category_id):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        if _save(form, lambda: edit_category(_actor(), category_id, **form.values())) is not None:
            flash(f"Saved {form.name.data}.", "success")
            return redirect(url_for("admin.edit_category_view", category_id=category_id), 303)
    others = [c for c in ordered_categories() if c.id != category_id]
    status = 422 if request.method == "POST" else 200
    return render_template("admin/category_form.html", form=form, category=category, confirm=ConfirmForm(),
                           move_form=MoveProductsForm(categories=others, formdata=None),
                           count=product_counts().get(category_id, 0),
                           actions=actions_for("category", category_id)), status


@bp.post("/categories/<int:category_id>/move")
@admin_required
def move_category_view(category_id):
    _checked_post()
    step = {"up": -1, "down": 1}.get(request.form.get("direction"))
    if step is None:
        abort(400)
    try:
        move_category(_actor(), category_id, step)
    except CategoryNotFound:
        abort(404)
    return redirect(url_for("admin.categories"), 303)


@bp.post("/categories/<int:category_id>/move-products")
@admin_required
def move_products_view(category_id):
    category = db.get_or_404(Category, category_id)
    form = MoveProductsForm(categories=[c for c in ordered_categories() if c.id != category_id])
    if not form.validate():
        flash("Choose the category to move the products to.", "error")
    else:
        try:
            moved = move_products(_actor(), category_id, form.target_id.data)
        except (CategoryError, CategoryNotFound) as error:
            db.session.rollback()
            flash(str(error) or "No such category.", "error")
        else:
            flash(f"Moved {moved} product{'s' if moved != 1 else ''} out of {category.name}.", "success")
    return redirect(url_for("admin.edit_category_view", category_id=category_id), 303)


@bp.post("/categories/<int:category_id>/delete")
@admin_required
def delete_category_view(category_id):
    _checked_post()
    category = db.get_or_404(Category, category_id)
    name = category.name
    try:
        delete_category(_actor(), category_id)
    except CategoryError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.edit_category_view", category_id=category_id), 303)
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("admin.categories"), 303)
