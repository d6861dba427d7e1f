"""The admins' view of the outbox: messages that gave up, with a "try again" button."""
from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from app.auth.decorators import admin_required
from app.extensions import db
from app.mail import bp
from app.mail.models import OutboxMessage
from app.mail.services import failed_messages, retry_failed


@bp.get("/admin/mail")
@admin_required
def outbox():
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return render_template("mail/outbox.html", failed=failed_messages(), counts=counts)


@bp.post("/admin/mail/<int:message_id>/retry")
@admin_required
def retry(message_id):
    if retry_failed(message_id):
        flash("The message will be tried again.", "info")
    return redirect(url_for("mail.outbox"), 303)
