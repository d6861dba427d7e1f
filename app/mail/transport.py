"""Turning an outbox row into a sent email: SMTP when MAIL_SERVER is set, else an .eml file.

The MIME message is built by Flask-Mail's Message (HTML and plain-text parts) with the row's stable
Message-ID. SMTP goes through smtplib directly because Flask-Mail's connection has no timeout: a
server that accepts the TCP connection and then hangs must not hang a shopper's request.
"""
import logging
import re
import smtplib
from pathlib import Path

from flask import current_app
from flask_mail import Message

log = logging.getLogger(__name__)
LINK = re.compile(r"https?://\S+")


def build_mime(message):
    mime = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html or None,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=dict(message.headers or {}) or None,  # List-Unsubscribe on promotions
    )
    mime.msgId = message.message_id
    return mime


def send_message(message):
    config = current_app.config
    mime = build_mime(message)
    if not config.get("MAIL_SERVER"):
        write_eml(message, mime)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.sendmail(mime.sender, [message.recipient], mime.as_bytes())


def mail_dir():
    return Path(current_app.config.get("MAIL_FILE_DIR") or Path(current_app.instance_path) / "mail")


def write_eml(message, mime):
    """Development delivery: one .eml file per message (the same name on a retry), and a log line with
    the subject and links so whoever runs `make run` can follow a verification or reset link."""
    folder = mail_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message.id:06d}.eml"
    path.write_bytes(mime.as_bytes())
    links = " ".join(LINK.findall(message.body_text))
    log.warning("mail to %s: %r written to %s %s", message.recipient, message.subject, path,
                f"links: {links}" if links else "")
