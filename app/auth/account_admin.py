"""What an admin does to accounts: find them, grant or remove admin, deactivate and reactivate.

The shop must always keep an admin who can log in, so removing admin from (or deactivating) the last
active admin is refused; the admin rows are locked while counting (FOR UPDATE on PostgreSQL), so two
admins demoting each other at once cannot both succeed (the second waits, then sees it is the last), and
the write itself is a conditional UPDATE that only applies while another active admin exists (SQLite). Deactivating rotates the session token, which
ends every session the account has (see load_user_from_session_id). Every change is audited in the same
transaction, with the acting admin passed in explicitly.
"""
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import aliased

from app.auth.models import User, new_session_token
from app.extensions import db

MAX_LISTED = 100


class AccountAdminError(Exception):
    """A refused change; the message is safe to show."""


class LastAdmin(AccountAdminError):
    pass


def record_admin_action(*args, **kwargs):
    from app.admin.audit import record_admin_action as record  # the admin imports auth, not back at load

    return record(*args, **kwargs)


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_users(text="", limit=MAX_LISTED):
    """Newest accounts first; `text` matches part of the email or the name."""
    query = select(User).order_by(User.id.desc()).limit(limit)
    if text:
        pattern = f"%{_escape_like(text.lower())}%"
        query = query.where(or_(User.email.like(pattern, escape="\\"), User.name.ilike(pattern, escape="\\")))
    return db.session.execute(query).scalars().all()


def _state(user):
    return {"is_admin": user.is_admin, "is_active": user.is_active}


def _other_active_admins(user):
    # Every active admin row is locked, the target's too and always in id order, so two such changes
    # queue behind each other instead of each locking what the other needs (a deadlock); the second
    # then reads the first's result (PostgreSQL re-checks the WHERE of a row it waited for).
    ids = db.session.execute(
        select(User.id).where(User.is_admin.is_(True), User.is_active.is_(True)).order_by(User.id)
        .with_for_update()).scalars().all()
    return [user_id for user_id in ids if user_id != user.id]


def _refuse_if_last_admin(user, doing):
    if user.is_admin and user.is_active and not _other_active_admins(user):
        raise LastAdmin(f"{user.email} is the only active admin: make someone else an admin before you {doing}.")


def _unless_last_admin(user, **values):
    """The write itself only happens while another active admin exists (one conditional UPDATE): on
    SQLite, whose reads take no lock, this is what stops two admins demoting each other at once."""
    others = aliased(User)
    changed = db.session.execute(
        update(User).where(User.id == user.id,
                           exists().where(others.is_admin.is_(True), others.is_active.is_(True), others.id != user.id))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise LastAdmin(f"{user.email} is the only active admin: make someone else an admin first.")


def _change(actor, user, action, **values):
    before = _state(user)
    if user.is_admin and user.is_active and ("is_admin" in values or "is_active" in values):
        _unless_last_admin(user, **values)
    for name, value in values.items():
        setattr(user, name, value)
    record_admin_action(actor, action, "user", user.id, before, _state(user))
    db.session.commit()
    return user


def grant_admin(actor, user):
    if user.is_admin:
        return user
    return _change(actor, user, "user.grant_admin", is_admin=True)


def revoke_admin(actor, user):
    if not user.is_admin:
        return user
    _refuse_if_last_admin(user, "remove their admin rights")
    return _change(actor, user, "user.revoke_admin", is_admin=False)


def deactivate_account(actor, user):
    """Login refused from now on, and every existing session ends (the token they carry is rotated)."""
    if not user.is_active:
        return user
    if user.id == actor.id:
        raise AccountAdminError("You cannot deactivate your own account.")
    _refuse_if_last_admin(user, "deactivate this account")
    return _change(actor, user, "user.deactivate", is_active=False, session_token=new_session_token())


def reactivate_account(actor, user):
    if user.is_active:
        return user
    return _change(actor, user, "user.reactivate", is_active=True)
