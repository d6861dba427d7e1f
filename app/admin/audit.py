"""Recording and reading admin actions. Callers pass the actor and the before/after state explicitly;
the row joins the caller's transaction, so an action and its record commit (or roll back) together."""
from sqlalchemy import select

from app.admin.models import AdminAction
from app.extensions import db


def changed_fields(before, after):
    """{field: [old, new]} for every key whose value differs between two plain dicts."""
    before, after = before or {}, after or {}
    return {key: [before.get(key), after.get(key)]
            for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)}


def record_admin_action(actor, action, target_type, target_id, before=None, after=None):
    """Add an audit row for `actor` (a user) doing `action` on a target. Not committed here."""
    row = AdminAction(actor_id=actor.id, actor_email=actor.email, action=action, target_type=target_type,
                      target_id=str(target_id), changes=changed_fields(before, after))
    db.session.add(row)
    return row


def recorder_for(actor):
    """record_admin_action bound to one admin, for services of other domains that take a `record_action`
    callable (they call it inside their transaction and need not import admin, which imports them)."""
    def record_action(action, target_type, target_id, before=None, after=None):
        return record_admin_action(actor, action, target_type, target_id, before, after)

    return record_action


def actions_for(target_type, target_id, limit=50):
    """The newest actions on one target, for its admin page."""
    return db.session.execute(
        select(AdminAction).where(AdminAction.target_type == target_type,
                                  AdminAction.target_id == str(target_id))
        .order_by(AdminAction.created_at.desc(), AdminAction.id.desc()).limit(limit)
    ).scalars().all()


def recent_actions(limit=100):
    return db.session.execute(
        select(AdminAction).order_by(AdminAction.created_at.desc(), AdminAction.id.desc()).limit(limit)
    ).scalars().all()
