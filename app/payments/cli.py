"""`flask payments reconcile`: run it every few minutes from cron (see README, Production)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.payments.gateways import current_gateway
from app.payments.reconcile import reconcile
from app.payments.services import PaymentSettings

payments_cli = AppGroup("payments", help="Payments: settle what the shop does not know yet.")


@payments_cli.command("reconcile")
def reconcile_command():
    """Ask the gateway about orders awaiting payment whose answer was lost or whose hold ran out."""
    counts = reconcile(current_gateway(), settings=PaymentSettings.from_config(current_app.config))
    click.echo(f"paid {counts['approved']}, released {counts['failed']}, still waiting {counts['waiting']}, "
               f"gateway unavailable {counts['unavailable']}")
    if counts["unavailable"]:
        raise SystemExit(1)
