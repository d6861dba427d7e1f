"""The admins' view of the outbox: messages that gave up, with a "try again" button."""
from flask import flash, redirect, render_template, url_for

from app.admin import bp
from app.auth.decorators import admin_required
from app.mail.services import failed_messages, outbox_counts, retry_failed


@bp.get("/mail")
@admin_required
def mail_outbox():
    return render_template("admin/mail_outbox.html", failed=failed_messages(), counts=outbox_counts())


@bp.post("/mail/<int:message_id>/retry")
@admin_required
def retry_mail(message_id):
    if retry_failed(message_id):
        flash("The message will be tried again.", "info")
    return redirect(url_for("admin.mail_outbox"), 303)
