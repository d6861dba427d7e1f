"""`flask search reindex | sync | verify`"""
import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.search.feed import product_feed
from app.search.index_store import IndexUnavailable, current_path
from app.search.indexing import rebuild_index, sync_index
from app.search.verify import verify_index

search_cli = AppGroup("search", help="Build, update and check the product search index.")


def _index_dir():
    return current_app.config["SEARCH_INDEX_DIR"]


@search_cli.command("reindex")
@click.option("--procs", type=click.IntRange(1, 16), default=lambda: min(4, os.cpu_count() or 1),
              show_default="CPU count, at most 4", help="Processes that build index segments in parallel.")
@click.option("--if-missing", is_flag=True,
              help="Build only when there is no usable index; otherwise just apply pending changes (`make run`).")
def reindex(procs, if_missing):
    """Build a fresh index beside the live one and swap it in atomically (searches never stop)."""
    if if_missing and current_path(_index_dir()) is not None:
        try:
            touched = sync_index(_index_dir(), product_feed())
        except IndexUnavailable as error:  # there, but unreadable: build a new one below
            click.echo(f"The index cannot be used ({error}); building a new one.", err=True)
        else:
            click.echo(f"Index already there, up to date ({touched} products updated).")
            return
    bar = click.progressbar(length=0, label="Indexing products", show_pos=True, show_percent=True)

    def on_count(count):
        bar.length = count

    with bar:
        count, live = rebuild_index(_index_dir(), product_feed(), procs=procs, progress=bar.update, on_count=on_count)
    click.echo(f"Indexed {count} products into {live}.")


@search_cli.command("sync")
def sync():
    """Apply the product changes the index has not seen yet (from its watermark)."""
    if current_path(_index_dir()) is None:
        raise click.ClickException("There is no search index yet: run `flask search reindex`.")
    touched = sync_index(_index_dir(), product_feed())
    click.echo(f"Index up to date ({touched} products updated).")


@search_cli.command("verify")
def verify():
    """Compare the index with the database; exit 1 and list the drift if they disagree."""
    try:
        drift = verify_index(_index_dir(), product_feed())
    except IndexUnavailable as error:
        click.echo(f"No usable index: {error}", err=True)
        sys.exit(2)
    for line in drift.lines():
        click.echo(line)
    if not drift.clean:
        click.echo("The index has drifted from the database: run `flask search sync` or `flask search reindex`.",
                   err=True)
        sys.exit(1)
    click.echo("The index matches the database.")
