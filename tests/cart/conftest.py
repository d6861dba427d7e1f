"""Cart fixtures: products and users made directly in the database, and a login through POST /login."""
import itertools
import re

import pytest

from app.auth.models import User
from app.auth.passwords import hash_password
from app.catalog.models import Product
from app.extensions import db as _db

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


@pytest.fixture
def make_product(app):
    """make_product(name=..., price=..., stock=..., is_active=...) -> product id."""

    def make(name=None, price=1000, stock=10, is_active=True):
        number = next(_numbers)
        with app.app_context():
            product = Product(sku=f"CART-{number:05d}", slug=f"cart-test-product-{number}",
                              name=name or f"Test product {number}", price=price, stock=stock, is_active=is_active)
            _db.session.add(product)
            _db.session.commit()
            return product.id

    return make


@pytest.fixture
def make_user(app):
    """make_user(email) -> user id; the password is PASSWORD."""

    def make(email="member@example.com", name="Member"):
        with app.app_context():
            user = User(email=email, name=name, password_hash=hash_password(PASSWORD))
            _db.session.add(user)
            _db.session.commit()
            return user.id

    return make


@pytest.fixture
def login():
    """login(client, email) posts the real login form; the user must exist."""

    def post_login(client, email="member@example.com", password=PASSWORD):
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        data = {"email": email, "password": password, **({"csrf_token": token.group(1)} if token else {})}
        response = client.post("/login", data=data)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return response

    return post_login


@pytest.fixture
def change_product(app):
    """change_product(product_id, price=..., stock=..., is_active=...); change_product(id, delete=True)."""

    def change(product_id, delete=False, **values):
        with app.app_context():
            product = _db.session.get(Product, product_id)
            if delete:
                _db.session.delete(product)
            for name, value in values.items():
                setattr(product, name, value)
            _db.session.commit()

    return change


@pytest.fixture
def csrf_token_from():
    return lambda html: re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
