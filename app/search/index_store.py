"""Where the index lives on disk, who may write it, and the searchers that read it.

Layout of SEARCH_INDEX_DIR:
    current -> gen-<time>-<random>   a symlink; replaced atomically (rename) when a rebuild finishes
    gen-.../                         one complete Whoosh index per generation; the previous one is kept
                                     until the next swap so searchers still reading it never break
    writer.lock                      an fcntl lock: one writer at a time across every process

Whoosh's own write lock fails at once (LockError) when taken; ours waits (with a timeout), so several
gunicorn workers that update the index after their commits queue up instead of failing. Readers never
lock: every search reuses an open searcher per thread and refreshes it when the index changed.
"""
import errno
import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from app.search.columns import read_column
from app.search.postings import TermCache
from app.search.schema import ANALYSIS_VERSION, META_ID, build_schema

log = logging.getLogger(__name__)

CURRENT = "current"
LOCK_FILE = "writer.lock"
KEEP_GENERATIONS = 2  # the live one and the one before it (searchers may still read it)


class IndexUnavailable(Exception):
    """The index is missing, broken or being rebuilt; callers fall back to the database."""


class StaleIndex(IndexUnavailable):
    """The index was built by another analysis chain (app/search/analysis.py): its terms would not
    match today's queries. `flask search reindex` replaces it."""


class WriterBusy(Exception):
    """Another process holds the writer lock longer than we were willing to wait."""


@contextmanager
def writer_lock(index_dir, timeout=30.0):
    """Hold the cross-process writer lock. timeout=0 tries once; raises WriterBusy when not acquired."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / LOCK_FILE, "a+")
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise WriterBusy(f"the search index writer lock in {root} is held by another process")
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def current_path(index_dir):
    """The live generation's directory, or None when there is no index yet."""
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = Path(index_dir) / target
    return path if path.is_dir() else None


def new_generation(index_dir):
    """An empty Whoosh index in a fresh build-* directory: not live, and not a gen-* that a concurrent
    publish() could clean away, until publish() renames it."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"build-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    whoosh_index.create_in(str(path), build_schema())
    return path


def publish(index_dir, generation_path):
    """Make `generation_path` the live index: write a new symlink beside the old one and rename it over
    `current` (rename is atomic, so a reader sees the old index or the new one, never none). Call with
    the writer lock held and no writer open on the build. Returns the live path."""
    root = Path(index_dir)
    build = Path(generation_path)
    live = root / ("gen-" + build.name.split("-", 1)[1]) if build.name.startswith("build-") else build
    if live != build:
        os.rename(build, live)
    temporary = root / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(live.name, temporary)
    os.replace(temporary, root / CURRENT)
    _remove_old_generations(root, keep=live.name)
    return live


def _remove_old_generations(root, keep):
    generations = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    stale = [p for p in generations if p.name != keep][:-(KEEP_GENERATIONS - 1) or None]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def open_live_index(index_dir):
    path = current_path(index_dir)
    if path is None:
        raise IndexUnavailable(f"no search index in {index_dir}")
    try:
        ix = whoosh_index.open_dir(str(path))
        with ix.searcher() as searcher:
            version = read_analysis_version(searcher)
    except Exception as error:  # missing or corrupt files, wrong schema, ...
        raise IndexUnavailable(f"the search index in {path} cannot be opened: {error}") from error
    if version != ANALYSIS_VERSION:
        raise StaleIndex(f"the search index in {path} was built by analysis chain {version}, this code uses "
                         f"{ANALYSIS_VERSION}: run `flask search reindex`")
    return path, ix


def read_analysis_version(searcher):
    """The analysis chain the index was built with ("1" for indexes from before it was recorded)."""
    fields = searcher.document(pid=META_ID)
    return str(fields.get("analysis", "1")) if fields else ANALYSIS_VERSION  # empty: nothing to mismatch


def read_watermark(searcher):
    fields = searcher.document(pid=META_ID)
    return int(fields["watermark"]) if fields else 0


# --- searchers ---------------------------------------------------------------------------------------

class _Reader:
    """One thread's open searcher on one index directory; refreshed, never reopened per request.

    It also caches what only changes when the index does: whole columns (category, price, ...) as
    plain lists, and recent answers (as-you-type traffic repeats the same prefixes all day). A refresh
    to a new index version drops them."""

    CACHED_ANSWERS = 2048  # answers and suggestion fragments (a few KB each) per thread

    def __init__(self, path, ix):
        self.path = path
        self.ix = ix
        self.searcher = ix.searcher()
        self._reset()

    def _reset(self):
        self.watermark = read_watermark(self.searcher)
        self._columns = {}
        self._answers = OrderedDict()
        self._terms = None

    def refresh(self):
        if not self.searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): that reuses segment readers whose deleted-document
            # sets are stale in Whoosh 2.7.x, so an edited product would match its old text too.
            old, self.searcher = self.searcher, self.ix.searcher()
            old.close()
            self._reset()
        return self

    def column(self, name):
        if name not in self._columns:
            self._columns[name] = read_column(self.searcher.reader(), name)
        return self._columns[name]

    def derived(self, name, compute):
        """A per-document list computed from the index once per version (e.g. price buckets)."""
        if name not in self._columns:
            self._columns[name] = compute()
        return self._columns[name]

    def term_cache(self, limit):
        """Term postings as {docnum: score}, read once per index version (see postings.py); at most
        `limit` postings are kept."""
        if self._terms is None:
            self._terms = TermCache(self.searcher, limit)
        return self._terms

    def cached(self, key, compute):
        """compute() once per key and index version (least recently used answers are dropped)."""
        if key in self._answers:
            self._answers.move_to_end(key)
            return self._answers[key]
        value = self._answers[key] = compute()
        if len(self._answers) > self.CACHED_ANSWERS:
            self._answers.popitem(last=False)
        return value


_local = threading.local()


def live_searcher(index_dir):
    """An up-to-date searcher on the live index (cached per thread); raises IndexUnavailable."""
    readers = getattr(_local, "readers", None)
    if readers is None:
        readers = _local.readers = {}
    key = str(index_dir)
    path = current_path(index_dir)
    if path is None:
        raise IndexUnavailable(f"no search index in {index_dir}")
    reader = readers.get(key)
    try:
        if reader is None or reader.path != path:
            if reader is not None:
                reader.searcher.close()
            reader = readers[key] = _Reader(*open_live_index(index_dir))
        return reader.refresh()
    except IndexUnavailable:
        readers.pop(key, None)
        raise
    except Exception as error:
        readers.pop(key, None)
        raise IndexUnavailable(f"the search index in {path} is unreadable: {error}") from error
