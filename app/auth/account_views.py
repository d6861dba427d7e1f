"""The signed-in shopper's own pages: profile (name, email, password) and saved addresses."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from app.auth import bp
from app.auth.addresses import (
    AddressNotFound, add_address, delete_address, get_address, list_addresses, set_default_address,
    update_address,
)
from app.auth.forms import AddressForm, EmailChangeForm, NameForm, PasswordChangeForm
from app.auth.password_policy import PasswordRejected
from app.auth.services import (
    AccountError, change_name, change_password, confirm_email_change, request_email_change,
)
from app.auth.tokens import TokenError
from app.auth.views import has_remember_cookie, signed_in_user_id, token_error
from app.htmx import is_fragment_request, render
from app.notifications.consent import ConsentError, preferences_for, update_preferences
from app.notifications.forms import ContactPreferencesForm
from app.notifications.phones import display_phone


def me():
    return current_user._get_current_object()


def render_account(status=200, **forms):
    user = me()
    forms.setdefault("name_form", NameForm(formdata=None, name=user.name))
    forms.setdefault("email_form", EmailChangeForm(formdata=None))
    forms.setdefault("password_form", PasswordChangeForm(formdata=None))
    if "contact_form" not in forms:
        prefs = preferences_for(user.id)
        forms["contact_form"] = ContactPreferencesForm(
            formdata=None, mobile_phone=display_phone(prefs.mobile_phone), sms_order_updates=prefs.sms_order_updates,
            email_news=prefs.email_news)
    return render_template("account/profile.html", **forms), status


@bp.get("/account", endpoint="account")
@login_required
def account():
    return render_account()


@bp.post("/account/name")
@login_required
def account_name():
    form = NameForm()
    if not form.validate_on_submit():
        return render_account(422, name_form=form)
    change_name(me(), form.name.data)
    flash("Your name is saved.", "success")
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/email")
@login_required
def account_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            request_email_change(me(), form.current_password.data, form.email.data)
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"We have sent a link to {form.email.data.strip()}. Follow it to switch to that address; "
                  "until then your email stays as it is.", "info")
            return redirect(url_for("auth.account"), 303)
    return render_account(422, email_form=form)


@bp.get("/account/email/confirm/<token>", endpoint="confirm_email_change")
def account_email_confirm(token):
    try:
        confirm_email_change(token, signed_in_user_id=signed_in_user_id())
    except TokenError as error:
        return token_error(error)
    flash("Your new email address is confirmed and in use.", "success")
    return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"), 303)


@bp.post("/account/password")
@login_required
def account_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(me(), form.current_password.data, form.password.data)
        except (AccountError, PasswordRejected) as error:
            form.form_errors.append(str(error))
        else:
            # The session token was rotated, which ended every session; this one carries on, with a new
            # remember-me cookie if it had one (the old one died with the token).
            login_user(me(), remember=has_remember_cookie())
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("auth.account"), 303)
    return render_account(422, password_form=form)


@bp.post("/account/contact")
@login_required
def account_contact():
    """Mobile number and the two consents (order updates by SMS, news and offers by email)."""
    form = ContactPreferencesForm()
    if form.validate_on_submit():
        try:
            update_preferences(me().id, mobile_phone=form.mobile_phone.e164,
                               sms_order_updates=form.sms_order_updates.data, email_news=form.email_news.data)
        except ConsentError as error:
            form.form_errors.append(str(error))
        else:
            flash("Your contact choices are saved.", "success")
            return redirect(url_for("auth.account"), 303)
    return render_account(422, contact_form=form)


# --- addresses ------------------------------------------------------------------------------------

def owned_address(address_id):
    try:
        return get_address(me(), address_id)
    except AddressNotFound:
        abort(404)


def address_data(form):
    return {name: getattr(form, name).data for name in
            ("full_name", "line1", "line2", "city", "region", "postcode", "country", "phone")}


def render_addresses():
    return render("account/addresses.html", "partials/account/address_list.html",
                  addresses=list_addresses(me()))


@bp.get("/account/addresses")
@login_required
def addresses():
    return render_addresses()


@bp.route("/account/addresses/new", methods=["GET", "POST"])
@login_required
def address_new():
    form = AddressForm()
    if form.validate_on_submit():
        add_address(me(), address_data(form), make_default=form.make_default.data)
        flash("Address saved.", "success")
        return redirect(url_for("auth.addresses"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("account/address_form.html", form=form, address=None), status


@bp.route("/account/addresses/<int:address_id>/edit", methods=["GET", "POST"])
@login_required
def address_edit(address_id):
    address = owned_address(address_id)
    form = AddressForm(obj=address) if request.method == "GET" else AddressForm()
    if form.validate_on_submit():
        update_address(me(), address.id, address_data(form), make_default=form.make_default.data)
        flash("Address saved.", "success")
        return redirect(url_for("auth.addresses"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("account/address_form.html", form=form, address=address), status


@bp.post("/account/addresses/<int:address_id>/delete")
@login_required
def address_delete(address_id):
    delete_address(me(), owned_address(address_id).id)
    return address_list_changed("Address deleted.", "info")


@bp.post("/account/addresses/<int:address_id>/default")
@login_required
def address_default(address_id):
    set_default_address(me(), owned_address(address_id).id)
    return address_list_changed("Default address changed.", "success")


def address_list_changed(message, category):
    """htmx gets the list again; a plain form post goes back to the addresses page with the message."""
    if is_fragment_request():
        return render_addresses()
    flash(message, category)
    return redirect(url_for("auth.addresses"), 303)
