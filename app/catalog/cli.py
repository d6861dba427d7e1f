"""`flask seed ...` and `flask products import ...`"""
import click
from flask import current_app
from flask.cli import AppGroup

from app.catalog.csv_import import ImportFailed, check_import, count_lines, run_import
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


products_cli = AppGroup("products", help="Import products.")


@products_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only check the file and show what would change.")
def import_products(path, dry_run):
    """Create and update products from a CSV file, matched by SKU (docs/admin.md). All rows or none."""
    lines = count_lines(path)
    with click.progressbar(length=lines, label="Checking", show_pos=True) as bar:
        report = check_import(path, progress=bar.update)
    _echo_report(report)
    if not report.ok:
        raise click.exceptions.Exit(1)
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    with click.progressbar(length=lines, label="Importing", show_pos=True) as bar:
        try:
            report = run_import(path, progress=bar.update, skip_check=True)
        except ImportFailed as failed:
            _echo_report(failed.report)
            click.echo("The catalog changed while importing; nothing was written.", err=True)
            raise click.exceptions.Exit(1)
    click.echo(f"Imported: {report.created} created, {report.updated} updated, {report.unchanged} unchanged.")


def _echo_report(report):
    click.echo(f"{report.rows} rows: {report.created} to create, {report.updated} to update, "
               f"{report.unchanged} unchanged, {report.error_count} with errors.")
    for error in report.errors:
        click.echo(f"  error: {error}", err=True)
    if report.error_count > len(report.errors):
        click.echo(f"  … and {report.error_count - len(report.errors)} more errors.", err=True)
    if report.error_count:
        click.echo("Nothing was written: fix the errors and import the file again.", err=True)
        return
    for change in report.sample:
        fields = ", ".join(f"{c}: {b} → {a}" if b is not None else f"{c}: {a}" for c, (b, a) in change.fields.items())
        click.echo(f"  line {change.line} {change.kind} {change.sku}: {fields}")
