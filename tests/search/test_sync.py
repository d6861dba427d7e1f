"""The index follows the database: writes, the change log watermark, rebuilds, drift checks, concurrency."""
import multiprocessing
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from app.catalog.models import ProductChange
from app.catalog.services import delete_product, update_product
from app.catalog.search_feed import CatalogFeed
from app.search.index_store import current_path, live_searcher
from app.search.indexing import GAP_GRACE_SECONDS, advance_watermark, rebuild_index
from app.search.verify import verify_index


def test_edit_and_delete_update_the_index_at_once(make_product, search):
    pid = make_product("Granite Mortar", description="Heavy.").id
    other = make_product("Granite Pestle").id
    assert search("mortar").product_ids == [pid]
    update_product(pid, name="Marble Mortar")
    assert search("marble").product_ids == [pid]
    assert search("granite").product_ids == [other]
    update_product(other, stock=0)
    assert search("granite", in_stock=True).total == 0
    delete_product(other)
    assert search("pestle").total == 0


def test_watermark_follows_the_change_log(make_product, app, db, search):
    search("anything")  # the first search builds the index
    make_product("First").id
    make_product("Second").id
    latest = db.session.execute(select(ProductChange.id).order_by(ProductChange.id.desc())).scalars().first()
    assert live_searcher(app.config["SEARCH_INDEX_DIR"]).watermark == latest


def test_watermark_stops_at_a_fresh_gap_but_not_at_an_old_one():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    fresh, old = now - timedelta(seconds=1), now - timedelta(seconds=GAP_GRACE_SECONDS + 1)
    assert advance_watermark(10, [(11, fresh), (12, fresh)], now) == 12
    assert advance_watermark(10, [(11, fresh), (13, fresh), (14, fresh)], now) == 11  # 12 may still commit
    assert advance_watermark(10, [(11, old), (13, old), (14, fresh)], now) == 14  # 12 rolled back long ago
    assert advance_watermark(10, [(12, fresh)], now) == 10


def test_a_server_catches_up_from_the_change_log(make_product, app, db, search):
    """Another server (or a direct write) changed the database: the next search catches up."""
    pid = make_product("Walnut Tray").id
    app.config["SEARCH_SYNC_INTERVAL"] = 0
    from app.catalog.models import Product

    db.session.get(Product, pid).name = "Cherry Tray"
    db.session.add(ProductChange(product_id=pid, kind="upsert"))
    db.session.commit()
    assert search("cherry").product_ids == [pid]


def test_verify_detects_drift_and_sync_repairs_it(make_product, app, db, runner, search):
    assert runner.invoke(args=["search", "verify"]).exit_code == 2  # no index yet
    pid = make_product("Brass Bell").id
    make_product("Brass Hook").id
    search("brass")
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    from app.catalog.models import Product

    db.session.get(Product, pid).price = 4321  # written behind the services' back: no change logged
    db.session.commit()
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1
    assert f"1 stale in the index: {pid}" in result.output
    db.session.add(ProductChange(product_id=pid, kind="upsert"))
    db.session.commit()
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert verify_index(app.config["SEARCH_INDEX_DIR"], CatalogFeed()).clean


def test_reindex_cli_builds_and_swaps(seeded, app, runner):
    index_dir = app.config["SEARCH_INDEX_DIR"]
    result = runner.invoke(args=["search", "reindex", "--procs", "2"])
    assert result.exit_code == 0, result.output
    first = current_path(index_dir)
    assert runner.invoke(args=["search", "reindex", "--procs", "1"]).exit_code == 0
    assert current_path(index_dir) != first
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_reindex_if_missing_builds_once_then_only_catches_up(seeded, app, runner, make_product):
    index_dir = app.config["SEARCH_INDEX_DIR"]
    result = runner.invoke(args=["search", "reindex", "--if-missing", "--procs", "1"])
    assert result.exit_code == 0 and "Indexed 24 products" in result.output, result.output
    first = current_path(index_dir)
    make_product("Pewter Jug").id  # a change for the second run to apply
    result = runner.invoke(args=["search", "reindex", "--if-missing"])
    assert result.exit_code == 0 and "already there" in result.output, result.output
    assert current_path(index_dir) == first  # no rebuild
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_parallel_build_matches_single_process(db, app):
    from app.catalog.seed import seed_demo_catalog

    seed_demo_catalog(2500, seed=5)
    index_dir = app.config["SEARCH_INDEX_DIR"]
    count, _live = rebuild_index(index_dir, CatalogFeed(), procs=2)
    assert count > 2400
    assert verify_index(index_dir, CatalogFeed()).clean


def test_reindex_swap_under_concurrent_searches(seeded, app, search, db):
    search("headphones")  # builds the index
    errors, totals, stop = [], [], threading.Event()

    def searching():
        with app.app_context():
            from app.search.results import SearchQuery
            from app.search.whoosh_backend import search_index

            while not stop.is_set():
                try:
                    totals.append(search_index(app.config["SEARCH_INDEX_DIR"], SearchQuery(text="with OR headphones")).backend)
                except Exception as error:  # noqa: BLE001 - the test reports any failure
                    errors.append(repr(error))

    threads = [threading.Thread(target=searching) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3):
            rebuild_index(app.config["SEARCH_INDEX_DIR"], CatalogFeed(), procs=1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert totals and set(totals) == {"whoosh"}
    assert len(list(Path(app.config["SEARCH_INDEX_DIR"]).glob("gen-*"))) <= 2  # old generations cleaned


def _edit_in_process(database_url, index_dir, product_ids, tag, barrier):
    from app import create_app
    from app.catalog.services import update_product as update
    from tests.conftest import make_test_config

    app = create_app(make_test_config(database_url, index_dir))
    with app.app_context():
        barrier.wait(timeout=30)
        for pid in product_ids:
            update(pid, description=f"edited by {tag}")


def test_two_processes_updating_the_index_at_once(make_product, app, db, search):
    ids = [make_product(f"Concurrent Item {n}").id for n in range(12)]
    search("concurrent")  # the index exists before the writers start
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    url, index_dir = app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"]
    db.session.remove()
    workers = [context.Process(target=_edit_in_process, args=(url, index_dir, ids[n::2], tag, barrier))
               for n, tag in enumerate(("alpha", "bravo"))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert search("alpha").total == 6 and search("bravo").total == 6
    assert verify_index(index_dir, CatalogFeed()).clean


def test_broken_index_falls_back_to_the_database(make_product, app, client, caplog, search, hx):
    pid = make_product("Teak Stool").id
    index_dir = app.config["SEARCH_INDEX_DIR"]
    assert search("teak").backend == "whoosh"  # builds the index
    live = current_path(index_dir)
    for path in live.glob("*.toc"):
        path.write_bytes(b"garbage")
    for path in live.glob("*.seg"):
        os.remove(path)
    from app.search.index_store import _local

    _local.__dict__.clear()  # a process starting now, with no open searcher
    result = search("teak")
    assert (result.backend, result.product_ids) == ("database", [pid])
    assert "search index unavailable" in caplog.text
    response = client.get("/search/suggest?q=tea", headers=hx)
    assert response.status_code == 200
    assert "<mark>Teak</mark> Stool" in response.get_data(as_text=True)


def _mark_built_by_an_older_chain(index_dir):
    """What an index from before the analysis chain looks like: a meta document without its version."""
    from whoosh import index as whoosh_index

    from app.search.index_store import current_path
    from app.search.schema import META_ID

    ix = whoosh_index.open_dir(str(current_path(index_dir)))
    with ix.searcher() as searcher:
        watermark = searcher.document(pid=META_ID)["watermark"]
    writer = ix.writer()
    writer.update_document(pid=META_ID, watermark=watermark)
    writer.commit()


def test_an_index_built_by_another_analysis_chain_is_rebuilt(seeded, app, runner, search):
    from app.search.index_store import StaleIndex, open_live_index

    index_dir = app.config["SEARCH_INDEX_DIR"]
    assert runner.invoke(args=["search", "reindex", "--procs", "1"]).exit_code == 0
    _mark_built_by_an_older_chain(index_dir)
    with pytest.raises(StaleIndex):
        open_live_index(index_dir)
    # `make run`'s reindex --if-missing treats it as missing and builds a new one...
    result = runner.invoke(args=["search", "reindex", "--if-missing", "--procs", "1"])
    assert result.exit_code == 0 and "Indexed 24 products" in result.output, result.output
    open_live_index(index_dir)
    # ...and so does the first search of a small catalog.
    stale = current_path(index_dir)
    _mark_built_by_an_older_chain(index_dir)
    with app.app_context():
        assert search("kettle").backend == "whoosh"
    assert current_path(index_dir) != stale
    open_live_index(index_dir)
