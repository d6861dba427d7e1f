"""`flask messages ...`: deliver both channels, show the outbox, send promotions in batches."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.mail.models import CHANNELS, OUTBOX_STATUSES
from app.mail.services import deliver_due, deliver_messages, outbox_counts_by_channel
from app.notifications.models import Promotion
from app.notifications.promotions import audience_left, queue_due_batches, queue_next_batch

messages_cli = AppGroup("messages", help="The message outbox (email and SMS) and promotions.")


def deliver(limit):
    """Queue the next batch of each promotion being sent, then deliver every due message."""
    queued = queue_due_batches(current_app.config["PROMOTION_BATCH_SIZE"])
    sent, not_sent = deliver_due(limit=limit)
    click.echo(f"sent {sent}, not sent {not_sent}" + (f" (queued {queued} promotional emails)" if queued else ""))


@messages_cli.command("deliver")
@click.option("--limit", default=500, show_default=True, help="At most this many messages per run.")
def deliver_command(limit):
    """Deliver every due message of both channels (retries with backoff); queue promotion batches."""
    deliver(limit)


@messages_cli.command("stats")
def stats_command():
    """Messages per channel and status."""
    counts = outbox_counts_by_channel()
    click.echo(f"{'channel':8} " + " ".join(f"{status:>8}" for status in OUTBOX_STATUSES))
    for channel in CHANNELS:
        click.echo(f"{channel:8} " + " ".join(f"{counts.get((channel, status), 0):>8}" for status in OUTBOX_STATUSES))


@messages_cli.command("send-promotions")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None,
              help="Recipients per batch (default: PROMOTION_BATCH_SIZE).")
def send_promotions_command(batch_size):
    """Send every promotion an admin started, batch after batch, with a progress bar. Consent is read
    again for each batch, so an unsubscribe during the run stops the emails not yet sent."""
    batch_size = batch_size or current_app.config["PROMOTION_BATCH_SIZE"]
    ids = db.session.execute(select(Promotion.id).where(Promotion.status == "sending")).scalars().all()
    if not ids:
        click.echo("No promotion is being sent.")
    for promotion_id in ids:
        sent = 0
        with click.progressbar(length=audience_left(promotion_id), label=f"promotion {promotion_id}") as bar:
            while batch := queue_next_batch(promotion_id, batch_size):
                sent += deliver_messages(batch)
                bar.update(len(batch))
        queue_next_batch(promotion_id, batch_size)  # marks it done when nothing is left pending
        click.echo(f"promotion {promotion_id}: {sent} sent in this run")


# `flask mail deliver`, from before SMS: kept as an alias so existing timers and cron lines keep working.
mail_cli = AppGroup("mail", help="Alias of `flask messages deliver`.")


@mail_cli.command("deliver")
@click.option("--limit", default=500, show_default=True, help="At most this many messages per run.")
def mail_deliver_command(limit):
    """Same as `flask messages deliver` (both channels)."""
    deliver(limit)
