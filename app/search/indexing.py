"""Keeping the index in step with the database: catch-up from the change log, full rebuilds, drift checks.

The index stores a watermark: the highest ProductChange id up to which every change has been applied.
`sync_index` applies the changes after it and moves it forward, so any process, on any server, can
bring its index up to date by replaying only what it missed; applying a change re-reads the product's
current row, so replaying one twice is harmless.

Why the watermark stops at gaps: ids are handed out when a transaction inserts its change row, but
transactions commit in any order (PostgreSQL), so change 41 may become visible after change 42. If
sync moved the watermark to 42, change 41 would never be applied. So the watermark only advances over
contiguous ids; changes beyond a gap are applied anyway (they are visible now) and re-applied on later
syncs until the gap fills, or is older than GAP_GRACE_SECONDS (a rolled-back transaction, whose id
never commits).
"""
import logging
import multiprocessing
from datetime import datetime, timezone

from flask import current_app
from whoosh import index as whoosh_index

from app.search.feed import product_feed
from app.search.index_store import (
    IndexUnavailable, StaleIndex, WriterBusy, current_path, new_generation, open_live_index, publish, read_watermark, writer_lock,
)
from app.search.schema import meta_document, product_document
from app.search.whoosh_internals import finished_segment, unlocked_segment_writer

log = logging.getLogger(__name__)

GAP_GRACE_SECONDS = 60
SYNC_BATCH = 2000  # changes read per pass, so a long backlog never loads everything at once
WRITER_MB = 128
# Segments as separate files, not one compound file: a reader opens a compound segment by copying its
# posting and term files into memory (≈40 MB per worker at 100,000 products), a plain segment's files
# are read where they lie and shared through the page cache.
WRITER_OPTIONS = {"limitmb": WRITER_MB, "compound": False}


def _as_utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def advance_watermark(watermark, changes, now=None):
    """The new watermark after seeing `changes` (id-ordered, all > watermark): contiguous ids only,
    except that a gap older than GAP_GRACE_SECONDS is taken to be permanent."""
    now = now or datetime.now(timezone.utc)
    for change_id, created_at in changes:
        if change_id != watermark + 1 and (now - _as_utc(created_at)).total_seconds() < GAP_GRACE_SECONDS:
            break
        watermark = change_id
    return watermark


def _apply_changes(ix, feed, watermark, progress=None):
    """Apply every change after `watermark` to `ix`; return (new watermark, products touched)."""
    touched = 0
    seen_after = watermark
    while True:
        changes = feed.changes_after(seen_after, SYNC_BATCH)
        if not changes:
            return watermark, touched
        product_ids = sorted({c.product_id for c in changes if c.product_id is not None})
        rows = {row.id: row for row in feed.rows(product_ids)} if product_ids else {}
        writer = ix.writer(**WRITER_OPTIONS)
        try:
            for product_id in product_ids:
                if product_id in rows:
                    writer.update_document(**product_document(rows[product_id]))
                else:  # deleted or deactivated
                    writer.delete_by_term("pid", str(product_id))
            watermark = advance_watermark(watermark, [(c.id, c.created_at) for c in changes])
            writer.update_document(**meta_document(watermark))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        touched += len(product_ids)
        seen_after = changes[-1].id
        if progress:
            progress(len(product_ids))


def sync_index(index_dir, feed, lock_timeout=30.0):
    """Bring the live index up to date with the change log. Returns the number of products touched.
    Raises IndexUnavailable when there is no live index (build one with rebuild_index)."""
    with writer_lock(index_dir, timeout=lock_timeout):
        _path, ix = open_live_index(index_dir)
        with ix.searcher() as searcher:
            watermark = read_watermark(searcher)
        _new_watermark, touched = _apply_changes(ix, feed, watermark)
        return touched


def sync_after_write():
    """Apply pending changes to this server's index right after a product write committed. Never
    raises: a failure is logged, and the change stays in the log for the next sync (any later write,
    search, or `flask search sync`)."""
    try:
        sync_index(current_app.config["SEARCH_INDEX_DIR"], product_feed(), lock_timeout=10)
    except IndexUnavailable:
        pass  # no index yet: the first search builds it, or `flask search reindex`
    except WriterBusy:
        log.warning("search index busy; the change will be applied by the next sync")
    except Exception:
        log.exception("search index update failed; the change will be applied by the next sync")


# --- full rebuild ----------------------------------------------------------------------------------

PROGRESS_EVERY = 1000


def _write_segment(build_path, rows, progress=None):
    """Index `rows` into one new segment of the index at build_path, without committing a TOC (the
    parent adds every worker's segment to its own commit). Runs in a worker process or in-process."""
    ix = whoosh_index.open_dir(str(build_path))
    writer = unlocked_segment_writer(ix, **WRITER_OPTIONS)
    for number, row in enumerate(rows, 1):
        writer.add_document(**product_document(row))
        if progress and number % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress:
        progress(len(rows) % PROGRESS_EVERY)
    return finished_segment(writer)


def _worker(build_path, rows, messages):
    try:
        segment = _write_segment(build_path, rows, progress=lambda n: messages.put(("progress", n)))
        messages.put(("segment", segment))
    except BaseException as error:
        messages.put(("error", repr(error)))
        raise


def _build_segments(build_path, rows, procs, progress=None):
    if procs <= 1 or len(rows) < 2000:
        return [_write_segment(build_path, rows, progress)] if rows else []
    # fork: the children inherit `rows` for free and never touch the parent's database connections.
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    chunk = -(-len(rows) // procs)
    workers = [
        context.Process(target=_worker, args=(build_path, rows[i:i + chunk], messages), daemon=True)
        for i in range(0, len(rows), chunk)
    ]
    for worker in workers:
        worker.start()
    segments = []
    try:
        while len(segments) < len(workers):
            kind, value = messages.get(timeout=600)
            if kind == "error":
                raise RuntimeError(f"an index build worker failed: {value}")
            if kind == "segment":
                segments.append(value)
            elif progress:
                progress(value)
    finally:
        for worker in workers:
            worker.join(timeout=60)
    return segments


def rebuild_index(index_dir, feed, procs=1, progress=None, on_count=None):
    """Build a complete index beside the live one, catch it up, and swap it in atomically. Searches keep
    using the old index until the swap. `on_count(n)` learns how many products will be indexed,
    `progress(k)` is told as they are. Returns (number of products indexed, live path)."""
    watermark = feed.latest_change_id()  # every change up to here is reflected in the rows read next
    rows = feed.rows()
    feed.end_read()  # end the read transaction before the long build
    if on_count:
        on_count(len(rows))
    build_path = new_generation(index_dir)
    ix = whoosh_index.open_dir(str(build_path))
    segments = _build_segments(build_path, rows, procs, progress)
    writer = ix.writer(**WRITER_OPTIONS)
    writer.add_document(**meta_document(watermark))
    writer.commit(mergetype=lambda _writer, existing: list(existing) + segments)
    with writer_lock(index_dir, timeout=120):
        # Changes committed while we were building: apply them before going live, under the lock, so
        # that no sync running meanwhile on the old index is lost by the swap.
        _apply_changes(whoosh_index.open_dir(str(build_path)), feed, watermark)
        live = publish(index_dir, build_path)
    return len(rows), live


def ensure_index(index_dir, feed, inline_limit):
    """Used lazily by the first search: build the index in-process when there is none, or the live one
    was built by another analysis chain, and the catalog is small enough to do it inside a request;
    otherwise report it unavailable (the database answers meanwhile)."""
    if current_path(index_dir) is not None:
        try:
            open_live_index(index_dir)
            return False
        except StaleIndex:
            pass
        except IndexUnavailable:
            return False
    count = feed.active_count()
    if count > inline_limit:
        return False
    log.warning("no usable search index in %s: building it now (%d products)", index_dir, count)
    rebuild_index(index_dir, feed, procs=1)
    return True
