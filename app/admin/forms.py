"""The admin's forms. Each checks what a person can get wrong (a price that is not an amount, negative
stock); what needs the database (a slug or SKU already taken) comes back from the service as a domain
error and is put on the field by the view."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.catalog.seed import slugify
from app.money import InvalidAmount, parse_money

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Lower-case letters, digits and single hyphens only.")
MAX_STOCK = 1_000_000_000  # fits every database's INTEGER, far above any shelf


def strip(value):
    return value.strip() if isinstance(value, str) else value


def lower(value):
    return value.lower() if isinstance(value, str) else value


def optional_id(value):
    """A select's "" means none; anything else must be a whole number (a forged value is an error)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: the select's own check refuses it with a message


class Amount:
    """A price typed as a decimal ("19.99", "$1,250"): parsed by app.money into minor units on `minor`."""

    def __call__(self, form, field):
        try:
            field.minor = parse_money(field.data or "", form.currency)
        except InvalidAmount as error:
            raise ValidationError(f"Enter a price such as 19.99 ({error}).") from None
        if field.minor < 0:
            raise ValidationError("The price cannot be negative.")


class ProductForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=200)])
    slug = StringField("Slug", filters=[strip, lower], validators=[Optional(), Length(max=160), SLUG],
                       description="Made from the name when left empty; it is the product's address.")
    sku = StringField("SKU", filters=[strip], validators=[DataRequired(), Length(max=40)])
    brand = StringField("Brand", filters=[strip], validators=[Length(max=80)])
    category_id = SelectField("Category", coerce=optional_id, validate_choice=True)
    description = TextAreaField("Description", filters=[strip], validators=[Length(max=20_000)])
    price = StringField("Price", filters=[strip], validators=[DataRequired(), Amount()])
    stock = IntegerField("Stock", validators=[InputRequired(message="Enter the stock (0 or more)."),
                                              NumberRange(min=0, max=MAX_STOCK, message="Stock must be 0 or more.")])
    is_active = BooleanField("Active (on sale)", default=True)
    is_featured = BooleanField("Featured on the home page")

    def __init__(self, *args, categories=(), currency="USD", **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.category_id.choices = [(None, "No category")] + [(c.id, c.name) for c in categories]

    def values(self):
        """The product fields for app.catalog.services."""
        return {"name": self.name.data, "slug": self.slug.data or slugify(self.name.data)[:160] or "product",
                "sku": self.sku.data, "brand": self.brand.data or "", "category_id": self.category_id.data,
                "description": self.description.data or "", "price": self.price.minor,
                "stock": self.stock.data, "is_active": self.is_active.data, "is_featured": self.is_featured.data}


class ProductRowForm(FlaskForm):
    """The list's inline edit: stock and on-sale, one row at a time."""

    stock = IntegerField("Stock", validators=[InputRequired(message="Enter the stock (0 or more)."), NumberRange(min=0, max=MAX_STOCK, message="Stock must be 0 or more.")])
    is_active = BooleanField("Active")
    next = HiddenField()


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token, and where to go back to."""

    next = HiddenField()


class CategoryForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=80)])
    slug = StringField("Slug", filters=[strip, lower], validators=[Optional(), Length(max=80), SLUG],
                       description="Made from the name when left empty.")
    description = TextAreaField("Description", filters=[strip], validators=[Length(max=5_000)])

    def values(self):
        return {"name": self.name.data, "slug": self.slug.data or slugify(self.name.data)[:80] or "category",
                "description": self.description.data or ""}


class MoveProductsForm(FlaskForm):
    target_id = SelectField("Move its products to", coerce=optional_id, validate_choice=True)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target_id.choices = [(c.id, c.name) for c in categories]
