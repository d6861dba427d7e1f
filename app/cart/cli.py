"""`flask cart ...`"""
from datetime import timedelta

import click
from flask.cli import AppGroup

from app.cart.identity import GUEST_COOKIE_MAX_AGE
from app.cart.services import purge_guest_carts
from app.database import utcnow

cart_cli = AppGroup("cart", help="Maintain carts.")


@cart_cli.command("purge-guests")
@click.option("--days", type=click.IntRange(min=1), default=GUEST_COOKIE_MAX_AGE.days, show_default=True,
              help="Delete guest carts untouched for this many days (their cookie has expired).")
def purge_guests_command(days):
    """Delete abandoned guest carts."""
    removed = purge_guest_carts(utcnow() - timedelta(days=days))
    click.echo(f"Deleted {removed} guest cart{'' if removed == 1 else 's'} untouched for {days} days.")
