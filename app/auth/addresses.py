"""Saved addresses: add, edit, delete, choose the default (checkout offers the default first).

Every operation takes the owner and looks the address up *within* the owner's addresses, so one
shopper can never read or change another's (AddressNotFound, shown as 404)."""
from sqlalchemy import select, update

from app.auth.models import Address
from app.extensions import db

ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "region", "postcode", "country", "phone")


class AddressNotFound(LookupError):
    pass


def list_addresses(user):
    return db.session.execute(
        select(Address).where(Address.user_id == user.id).order_by(Address.is_default.desc(), Address.id)
    ).scalars().all()


def default_address(user):
    return db.session.execute(
        select(Address).where(Address.user_id == user.id, Address.is_default.is_(True))
    ).scalar_one_or_none()


def get_address(user, address_id):
    address = db.session.execute(
        select(Address).where(Address.id == address_id, Address.user_id == user.id)
    ).scalar_one_or_none()
    if address is None:
        raise AddressNotFound(address_id)
    return address


def _apply(address, data):
    for field in ADDRESS_FIELDS:
        if field in data:
            value = (data[field] or "").strip()
            address.__setattr__(field, value.upper() if field == "country" else value)


def add_address(user, data, make_default=False):
    """The first address becomes the default on its own."""
    first = default_address(user) is None
    address = Address(user_id=user.id, is_default=False)
    _apply(address, data)
    db.session.add(address)
    db.session.flush()
    if first or make_default:
        _make_default(user, address)
    db.session.commit()
    return address


def update_address(user, address_id, data, make_default=False):
    address = get_address(user, address_id)
    _apply(address, data)
    if make_default:
        _make_default(user, address)
    db.session.commit()
    return address


def delete_address(user, address_id):
    """Deleting the default hands the default to the oldest remaining address."""
    address = get_address(user, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        remaining = list_addresses(user)
        if remaining:
            _make_default(user, remaining[0])
    db.session.commit()


def set_default_address(user, address_id):
    address = get_address(user, address_id)
    _make_default(user, address)
    db.session.commit()
    return address


def _make_default(user, address):
    # Clear first, then set: the partial unique index allows one default per user at any moment.
    db.session.execute(
        update(Address).where(Address.user_id == user.id, Address.id != address.id, Address.is_default.is_(True))
        .values(is_default=False).execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    address.is_default = True
    db.session.flush()
