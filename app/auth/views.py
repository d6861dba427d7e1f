"""Account views (first cut: log in and log out; the accounts issue builds the rest)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm
from app.auth.passwords import verify_password
from app.auth.services import find_user_by_email


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and verify_password(user.password_hash, form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(url_for("catalog.home"), 303)
        form.form_errors.append("Email or password is not right.")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("catalog.home"), 303)
