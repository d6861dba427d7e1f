"""`flask seed ...`"""
import click
from flask import current_app
from flask.cli import AppGroup

from app.catalog.seed import product_count, seed_demo_catalog

seed_cli = AppGroup("seed", help="Fill the database with demo data.")


@seed_cli.command("demo")
@click.option("--products", "count", type=click.IntRange(min=0, max=1_000_000), default=240, show_default=True,
              help="How many demo products to have.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed; the same seed gives the same catalog.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the catalog already has products.")
def seed_demo(count, seed, if_empty):
    """Create a deterministic demo catalog. Re-running adds only what is missing."""
    if if_empty and product_count() > 0:
        click.echo("Catalog already has products; not seeding.")
        return
    with click.progressbar(length=count, label="Seeding products", show_pos=True) as bar:
        inserted = seed_demo_catalog(count, seed=seed, static_dir=current_app.static_folder, progress=bar.update)
    click.echo(f"Inserted {inserted} products ({product_count()} in the catalog).")
