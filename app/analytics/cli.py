"""`flask analytics rollup` (the dashboard's daily numbers) and `flask analytics forward` (send queued
events to the external analytics service). Run both from cron or a timer: rollup once an hour or a day,
forward every few minutes."""
import click
from flask.cli import AppGroup

from app.analytics.forward import forward_due
from app.analytics.rollup import days_to_roll_up, roll_up_day

analytics_cli = AppGroup("analytics", help="Analytics: daily roll-ups and forwarding.")


@analytics_cli.command("rollup")
@click.option("--rebuild", is_flag=True, help="Roll up every day again, from the first event.")
def rollup_command(rebuild):
    """Roll up every closed day not rolled up yet (idempotent: a day rolled up again is replaced)."""
    days = days_to_roll_up(rebuild=rebuild)
    with click.progressbar(days, label="Rolling up days", show_pos=True) as bar:
        for day in bar:
            roll_up_day(day)
    click.echo(f"rolled up {len(days)} day(s)")


@analytics_cli.command("forward")
@click.option("--limit", default=5000, show_default=True, help="At most this many events per run.")
def forward_command(limit):
    """Send the queued events that are due to the external analytics service (retries with backoff)."""
    sent, not_sent = forward_due(limit=limit)
    click.echo(f"sent {sent}, not sent {not_sent}")
