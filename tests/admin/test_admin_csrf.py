"""With CSRF on, as in production: the inline htmx edit passes with the token htmx sends in its header
(base.html's hx-headers) and is refused without one; the plain forms carry their own token."""
import pytest

from tests.factories import csrf_token_in, make_product


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_inline_edit_needs_the_token_header_or_field(app, admin_client, hx):
    product = make_product(app, "Brass Kettle", stock=3)
    url = f"/admin/products/{product.id}/row"
    token = csrf_token_in(admin_client.get("/admin/products").get_data(as_text=True))
    assert token
    assert admin_client.post(url, data={"stock": "9", "is_active": "y"}, headers=hx).status_code == 400
    ok = admin_client.post(url, data={"stock": "9", "is_active": "y"}, headers={**hx, "X-CSRFToken": token})
    assert ok.status_code == 200 and 'value="9"' in ok.get_data(as_text=True)
    plain = admin_client.post(url, data={"stock": "8", "is_active": "y", "csrf_token": token})
    assert plain.status_code == 303


def test_buttons_refuse_a_post_without_a_token(app, admin_client):
    product = make_product(app, "Brass Kettle")
    assert admin_client.post(f"/admin/products/{product.id}/remove").status_code == 400
    assert admin_client.post("/admin/users/1/grant-admin").status_code == 400
    page = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert admin_client.post(f"/admin/products/{product.id}/remove",
                             data={"csrf_token": csrf_token_in(page)}).status_code == 303
