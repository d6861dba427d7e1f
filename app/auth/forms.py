from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp, ValidationError

from app.auth.password_policy import MAX_LENGTH, PasswordRejected, check_password


def strip(value):
    return value.strip() if isinstance(value, str) else value


class NewPassword:
    """The shared password rules (app.auth.password_policy) as a WTForms validator."""

    def __call__(self, form, field):
        email = getattr(getattr(form, "email", None), "data", None)
        try:
            check_password(field.data or "", email=email)
        except PasswordRejected as error:
            raise ValidationError(str(error)) from None


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Remember me")
    next = HiddenField()


class RegisterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), NewPassword()])
    confirm = PasswordField("Confirm password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), NewPassword()])
    confirm = PasswordField("Confirm new password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])


class NameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])


class EmailChangeForm(FlaskForm):
    email = EmailField("New email", filters=[strip], validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    password = PasswordField("New password", validators=[DataRequired(), NewPassword()])
    confirm = PasswordField("Confirm new password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])


class AddressForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    line1 = StringField("Address line 1", validators=[DataRequired(), Length(max=200)])
    line2 = StringField("Address line 2", validators=[Optional(), Length(max=200)])
    city = StringField("City", validators=[DataRequired(), Length(max=100)])
    region = StringField("Region / state", validators=[Optional(), Length(max=100)])
    postcode = StringField("Postcode", validators=[DataRequired(), Length(max=20)])
    country = StringField("Country (2-letter code)", validators=[
        DataRequired(), Regexp(r"^\s*[A-Za-z]{2}\s*$", message="Use the two-letter country code, e.g. US or DE.")])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    make_default = BooleanField("Use as my default address")
