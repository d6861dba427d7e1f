"""Account views: register, verify, log in and out, forgotten password. Parse -> service -> render."""
from flask import (
    after_this_request, current_app, flash, make_response, redirect, render_template, request, session, url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from app.auth import bp
from app.auth.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from app.auth.limits import login_limit, register_limit, reset_limit, reverify_limit
from app.auth.password_policy import PasswordRejected, password_feedback
from app.auth.services import (
    InvalidCredentials, authenticate, end_all_sessions, register_account, request_password_reset,
    resend_verification, reset_password, user_for_token, verify_email,
)
from app.auth.tokens import RESET_PASSWORD, TokenError
from app.htmx import is_fragment_request, is_htmx_request, render
from app.ops.security import same_site_path


def safe_next(target):
    """Where to go after logging in: a path on this site, else the home page."""
    return same_site_path(target) or url_for("catalog.home")


def see_other(url):
    """After a successful POST: 303 for a plain form; for htmx, HX-Redirect (htmx would otherwise follow
    the 303 itself and swap the whole next page into the form)."""
    if is_htmx_request():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def signed_in_user_id():
    return int(current_user.get_id().partition(":")[0]) if current_user.is_authenticated else None


def start_session(user, remember):
    """A fresh session for the login: nothing from before (CSRF token, flashes) carries over. The
    guest cart lives in its own cookie and is merged by the cart domain on user_logged_in."""
    session.clear()
    login_user(user, remember=remember)


def end_browser_session():
    """Log this browser out: the session emptied and the remember-me cookie deleted. Flask-Login would
    delete the cookie itself, but session.clear() drops its note to do so, and its deletion lacks the
    Secure flag without which a browser ignores any Set-Cookie for a __Host- cookie."""
    logout_user()
    session.clear()
    after_this_request(forget_remember_cookie)


def remember_cookie_name():
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)


def has_remember_cookie():
    return remember_cookie_name() in request.cookies


def forget_remember_cookie(response):
    config = current_app.config
    response.delete_cookie(remember_cookie_name(), path="/",
                           secure=bool(config.get("REMEMBER_COOKIE_SECURE")), httponly=True,
                           samesite=config.get("REMEMBER_COOKIE_SAMESITE"))
    return response


def token_error(error):
    return render_template("auth/token_error.html", message=str(error)), 400


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except InvalidCredentials as error:
            form.form_errors.append(str(error))
        else:
            start_session(user, remember=form.remember.data)
            return see_other(safe_next(form.next.data))
    status = 422 if request.method == "POST" else 200
    return render("auth/login.html", "partials/auth/login_form.html", status=status, form=form)


@bp.post("/logout")
@login_required
def logout():
    # Rotating the session token ends this session and every other one (other devices, copied cookies).
    end_all_sessions(current_user._get_current_object())
    end_browser_session()
    flash("You are logged out.", "info")
    return redirect(url_for("catalog.home"), 303)


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register():
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"), 303)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            register_account(form.name.data, form.email.data, form.password.data)
        except PasswordRejected as error:
            form.password.errors.append(str(error))
        else:
            # The same answer whether or not the email already had an account.
            return see_other(url_for("auth.check_email"))
    status = 422 if request.method == "POST" else 200
    feedback = password_feedback(form.password.data or "", email=form.email.data) if form.password.data else None
    return render("auth/register.html", "partials/auth/register_form.html", status=status, form=form,
                  feedback=feedback)


@bp.post("/register/password-strength")
def password_strength():
    """Strength feedback while typing (htmx); as a plain POST, the register page with the feedback."""
    form = RegisterForm()
    feedback = password_feedback(form.password.data or "", email=form.email.data)
    if is_fragment_request():
        return render("auth/register.html", "partials/auth/password_feedback.html", feedback=feedback, form=form)
    return render("auth/register.html", "partials/auth/register_form.html", feedback=feedback, form=form)


@bp.get("/register/check-email")
def check_email():
    return render_template("auth/check_email.html")


@bp.get("/verify/<token>", endpoint="verify_email")
def verify_email_link(token):
    try:
        verify_email(token, signed_in_user_id=signed_in_user_id())
    except TokenError as error:
        return token_error(error)
    flash("Thank you, your email address is confirmed.", "success")
    return redirect(url_for("catalog.home"), 303)



@bp.post("/verify/resend")
@login_required
@reverify_limit
def resend_verification_link():
    resend_verification(current_user._get_current_object())
    if is_fragment_request():
        return render("base.html", "partials/auth/verify_banner.html", sent=True)
    flash(f"We have sent a new confirmation link to {current_user.email}.", "info")
    return redirect(safe_next(request.form.get("next")), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@reset_limit
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        return redirect(url_for("auth.reset_sent"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.get("/password/forgot/sent")
def reset_sent():
    return render_template("auth/reset_sent.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
def reset_password_form(token):
    try:
        user_for_token(RESET_PASSWORD, token, signed_in_user_id=signed_in_user_id())
    except TokenError as error:
        return token_error(error)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(token, form.password.data, signed_in_user_id=signed_in_user_id())
        except TokenError as error:
            return token_error(error)
        except PasswordRejected as error:
            form.password.errors.append(str(error))
        else:
            end_browser_session()
            flash("Your password is changed. Please log in with the new one.", "success")
            return redirect(url_for("auth.login"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form, token=token), status
