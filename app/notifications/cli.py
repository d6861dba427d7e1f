"""`flask messages ...`: deliver both channels, show the outbox, send promotions in batches."""
import click
from flask.cli import AppGroup

from app.mail.models import CHANNELS, OUTBOX_STATUSES
from app.mail.services import deliver_due, outbox_counts_by_channel

messages_cli = AppGroup("messages", help="The message outbox (email and SMS) and promotions.")


@messages_cli.command("deliver")
@click.option("--limit", default=500, show_default=True, help="At most this many messages per run.")
def deliver_command(limit):
    """Deliver every due message of both channels (retries with backoff)."""
    sent, not_sent = deliver_due(limit=limit)
    click.echo(f"sent {sent}, not sent {not_sent}")


@messages_cli.command("stats")
def stats_command():
    """Messages per channel and status."""
    counts = outbox_counts_by_channel()
    click.echo(f"{'channel':8} " + " ".join(f"{status:>8}" for status in OUTBOX_STATUSES))
    for channel in CHANNELS:
        click.echo(f"{channel:8} " + " ".join(f"{counts.get((channel, status), 0):>8}" for status in OUTBOX_STATUSES))
