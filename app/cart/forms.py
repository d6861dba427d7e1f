"""Forms for the cart actions. CSRF is checked for every POST by CSRFProtect (form field or the
X-CSRFToken header htmx sends), so these forms only parse."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.database import MAX_ID

WHOLE_NUMBER = "Enter a whole number."


class AddToCartForm(FlaskForm):
    class Meta:
        csrf = False  # checked by CSRFProtect before the view runs

    product_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])  # beyond: not found
    quantity = IntegerField(default=1, validators=[InputRequired(WHOLE_NUMBER), NumberRange(min=1, message="Enter a quantity of at least 1.")])
    next = HiddenField()


class QuantityForm(FlaskForm):
    class Meta:
        csrf = False

    quantity = IntegerField(validators=[InputRequired(WHOLE_NUMBER), NumberRange(min=0, message="Enter a quantity of 0 or more.")])
    next = HiddenField()


class CartActionForm(FlaskForm):
    """Remove a line, empty the cart: nothing to parse but where to go back to."""

    class Meta:
        csrf = False

    next = HiddenField()


def first_error(form):
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "That request could not be understood."
