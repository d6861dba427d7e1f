"""`flask mail deliver`: run from cron or a timer (say every minute) to retry what did not go at once."""
import click
from flask.cli import AppGroup

from app.mail.services import deliver_due

mail_cli = AppGroup("mail", help="The email outbox.")


@mail_cli.command("deliver")
@click.option("--limit", default=500, show_default=True, help="At most this many messages per run.")
def deliver_command(limit):
    """Deliver every pending outbox message that is due (retries with backoff)."""
    sent, not_sent = deliver_due(limit=limit)
    click.echo(f"sent {sent}, not sent {not_sent}")
