"""Profile (name, email with re-verification, password) and saved addresses."""
import pytest
from sqlalchemy import select

from app.auth.models import Address, User
from tests.conftest import mail_link


@pytest.fixture
def signed_in(auth):
    user_id = auth.create_user()
    auth.login()
    return user_id


def reload(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_profile_page(client, signed_in):
    page = client.get("/account").get_data(as_text=True)
    assert 'id="name-form"' in page and 'id="email-form"' in page and 'id="password-form"' in page


def test_change_name(client, db, signed_in):
    assert client.post("/account/name", data={"name": "  Robin "}).status_code == 303
    assert reload(db, User, signed_in).name == "Robin"
    assert client.post("/account/name", data={"name": ""}).status_code == 422


def test_change_email_needs_password_and_the_new_address(client, db, auth, smtp_server, signed_in):
    response = client.post("/account/email", data={"email": "new@example.com", "current_password": "wrong!"})
    assert response.status_code == 422 and "current password is not right" in response.get_data(as_text=True)
    assert smtp_server.messages == []

    response = client.post("/account/email", data={"email": "New@Example.com", "current_password": auth.PASSWORD})
    assert response.status_code == 303
    assert reload(db, User, signed_in).email == "shopper@example.com"  # not before the link is followed
    [message] = smtp_server.to("new@example.com")
    assert client.get(mail_link(message)).status_code == 303
    user = reload(db, User, signed_in)
    assert user.email == "new@example.com" and user.is_verified
    [notice] = smtp_server.to("shopper@example.com")
    assert "email address was changed" in notice["Subject"]
    # Single use: the email changed, so the same link is dead.
    assert client.get(mail_link(message)).status_code == 400


def test_change_email_to_a_taken_address_answers_the_same(client, auth, smtp_server, db, signed_in):
    auth.create_user(email="taken@example.com")
    response = client.post("/account/email", data={"email": "taken@example.com", "current_password": auth.PASSWORD})
    assert response.status_code == 303
    [notice] = smtp_server.to("taken@example.com")
    assert "/account/email/confirm/" not in notice.get_body(preferencelist=("plain",)).get_content()
    assert reload(db, User, signed_in).email == "shopper@example.com"


def test_change_password(client, auth, signed_in):
    response = client.post("/account/password", data={
        "current_password": "wrong", "password": "another fine secret", "confirm": "another fine secret"})
    assert response.status_code == 422
    response = client.post("/account/password", data={
        "current_password": auth.PASSWORD, "password": "short", "confirm": "short"})
    assert response.status_code == 422 and "at least 8" in response.get_data(as_text=True)
    response = client.post("/account/password", data={
        "current_password": auth.PASSWORD, "password": "another fine secret", "confirm": "another fine secret"})
    assert response.status_code == 303
    auth.logout()
    assert auth.login(password="another fine secret").status_code == 303


ADDRESS = {"full_name": "Sam Shopper", "line1": "1 Main St", "city": "Springfield", "postcode": "12345",
           "country": "us"}


def addresses_of(db, user_id):
    db.session.expire_all()
    return db.session.execute(select(Address).where(Address.user_id == user_id).order_by(Address.id)).scalars().all()


def test_add_edit_default_delete(client, db, signed_in, hx):
    assert client.get("/account/addresses/new").status_code == 200
    assert client.post("/account/addresses/new", data=ADDRESS).status_code == 303
    assert client.post("/account/addresses/new", data={**ADDRESS, "line1": "2 Side St"}).status_code == 303
    first, second = addresses_of(db, signed_in)
    assert first.is_default and not second.is_default and first.country == "US"  # the first is the default

    response = client.post(f"/account/addresses/{second.id}/edit", data={**ADDRESS, "city": "Shelbyville",
                                                                         "make_default": "y"})
    assert response.status_code == 303
    first, second = addresses_of(db, signed_in)
    assert second.city == "Shelbyville" and second.is_default and not first.is_default

    page = client.get("/account/addresses").get_data(as_text=True)
    assert "<html" in page and 'id="address-list"' in page and "Shelbyville" in page

    response = client.post(f"/account/addresses/{first.id}/default", headers=hx)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.startswith("{#") is False and "<html" not in body
    assert 'id="address-list"' in body
    first, second = addresses_of(db, signed_in)
    assert first.is_default and not second.is_default

    response = client.post(f"/account/addresses/{first.id}/delete", headers=hx)
    assert response.status_code == 200 and 'id="address-list"' in response.get_data(as_text=True)
    [remaining] = addresses_of(db, signed_in)
    assert remaining.id == second.id and remaining.is_default  # the default moves on

    assert client.post(f"/account/addresses/{second.id}/delete").status_code == 303
    assert addresses_of(db, signed_in) == []


def test_address_validation(client, signed_in):
    response = client.post("/account/addresses/new", data={**ADDRESS, "country": "USA", "city": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "two-letter country code" in body


def test_other_shoppers_addresses_are_out_of_reach(client, auth, db, signed_in):
    client.post("/account/addresses/new", data=ADDRESS)
    [mine] = addresses_of(db, signed_in)
    auth.logout()
    auth.create_user(email="other@example.com")
    auth.login("other@example.com")
    assert client.get(f"/account/addresses/{mine.id}/edit").status_code == 404
    assert client.post(f"/account/addresses/{mine.id}/edit", data=ADDRESS).status_code == 404
    assert client.post(f"/account/addresses/{mine.id}/default").status_code == 404
    assert client.post(f"/account/addresses/{mine.id}/delete").status_code == 404
    assert len(addresses_of(db, signed_in)) == 1


def test_one_default_per_user_is_enforced_by_the_database(db, signed_in):
    from sqlalchemy.exc import IntegrityError

    for line in ("a", "b"):
        db.session.add(Address(user_id=signed_in, is_default=True, **{**ADDRESS, "line1": line}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
