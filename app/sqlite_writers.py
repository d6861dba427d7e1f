"""SQLite: writers from several processes take turns on a lock file instead of SQLite's sleeping retries.

SQLite lets one transaction write at a time. A second writer finds the file locked and waits in SQLite's
busy handler, which sleeps 1, 2, 5, 10 … 100 ms between tries: the lock is often free again long before
the sleeper wakes, and meanwhile nobody writes. With two gunicorn workers placing orders (five short write
transactions each), strace counted about four such sleeps per order, and the two cores were idle a
third of the time (docs/benchmarks.md, checkout).

So every connection made here takes an exclusive flock on `<database>.writers` just before the statement
that opens its write transaction (the first INSERT, UPDATE, DELETE or REPLACE: where Python's sqlite3
begins one) and lets go when the transaction ends (commit, rollback, close). A writer that finds the
lock taken waits for it in the kernel and starts the moment it is released; SQLite's own lock is then
free for it. Readers never take it (WAL lets them read beside the writer). (Polling the lock every
0.1-1 ms instead was tried: the medians matched, the p95 was worse, as the releasing worker often took
the lock again before a poller woke.)

Nothing is less safe than without it: the queue only orders writers that go through these connections;
anything else writing the file (the sqlite3 shell, another program) still meets SQLite's lock and its
busy handler. A writer that has waited WAIT_SECONDS (a transaction left open in `flask shell`) stops
queueing and meets SQLite's lock as before, which answers "database is locked" after the busy timeout.
A thread that already writes through one connection and opens a write on a second one skips the queue
rather than wait for itself; so does a connection whose lock file cannot be opened (logged once), and a
writer for which no waiter thread can be started (at interpreter exit, or out of threads).
"""
import errno
import fcntl
import logging
import os
import queue
import sqlite3
import threading
import weakref

log = logging.getLogger(__name__)

WRITE_KEYWORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
WAIT_SECONDS = 30.0  # as long as SQLite's own busy timeout (app.database.configure_sqlite_connections)
_writing = {}  # (thread id, lock file) -> the connection through which that thread holds that queue
_unusable = set()  # lock files that cannot be opened (logged once each)
LASTING_ERRORS = {errno.EACCES, errno.EPERM, errno.ENOENT, errno.ENOTDIR, errno.EROFS}


def opens_write(sql):
    """Does this statement make Python's sqlite3 begin a transaction (legacy transaction control)?"""
    return sql.lstrip()[:7].upper().startswith(WRITE_KEYWORDS)


def take_turn(fd, wait_seconds=WAIT_SECONDS):
    """Take the exclusive flock on `fd`; False if it stayed taken for `wait_seconds` (or no waiter could be
    started). After False the caller must stop using `fd`: a waiter may still get the lock on it later,
    and hands it straight back then.

    A free lock is taken at once. A taken one is waited for in the kernel (flock blocks until it is
    released: no polling) by a waiter thread, so that the wait can end at `wait_seconds` (a thread cannot
    be woken out of a blocked flock) and never holds up the process's exit. A lock belongs to the open
    file, not to the thread or descriptor that took it: the waiter's turn, taken on a duplicate of `fd`,
    is the caller's."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    turn = _Turn()
    try:
        turn.fd = os.dup(fd)
        _waiters().run(turn)
    except (OSError, RuntimeError):  # no descriptor or thread to spare (or the interpreter is exiting)
        if turn.fd is not None:
            os.close(turn.fd)
        return False
    return turn.taken_within(wait_seconds)


class _Waiters:
    """Daemon threads that wait for turns, kept for the next wait (no thread start per contended turn);
    daemon, so one still waiting on a turn given up on never holds up the process's exit."""

    def __init__(self):
        self.turns, self.idle, self.lock = queue.SimpleQueue(), 0, threading.Lock()

    def run(self, turn):
        with self.lock:
            start = self.idle == 0
            if not start:
                self.idle -= 1  # an idle waiter takes this turn from the queue
        if start:
            threading.Thread(target=self._serve, name="sqlite-writer-queue", daemon=True).start()
        self.turns.put(turn)

    def _serve(self):
        while True:
            self.turns.get().wait()
            with self.lock:
                self.idle += 1


_pool = (None, None)  # (pid, _Waiters): threads do not survive a fork (gunicorn's workers), so one per process
_pool_lock = threading.Lock()


def _waiters():
    global _pool
    with _pool_lock:
        if _pool[0] != os.getpid():
            _pool = (os.getpid(), _Waiters())
        return _pool[1]


class _Turn:
    """One wait for the lock, by a waiter thread, that the caller may give up on."""

    def __init__(self):
        self.fd, self.abandoned, self.taken = None, False, False
        self.lock, self.done = threading.Lock(), threading.Event()

    def wait(self):  # the waiter thread
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            got = True
        except OSError:
            got = False
        with self.lock:
            self.taken = got and not self.abandoned
            give_back = got and self.abandoned
        if give_back:
            fcntl.flock(self.fd, fcntl.LOCK_UN)  # nobody waits for it any more
        os.close(self.fd)  # the lock, if taken for the caller, stays: the caller's descriptor holds the file
        self.done.set()

    def taken_within(self, seconds):
        self.done.wait(seconds)
        with self.lock:
            self.abandoned = not self.taken
            return self.taken


def queued_connection_class(lock_path, wait_seconds=WAIT_SECONDS):
    """A sqlite3.Connection class (for sqlite3.connect(factory=...)) whose writers queue on lock_path."""

    class QueuedCursor(sqlite3.Cursor):
        def execute(self, sql, parameters=()):
            self.connection.queue_for(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql, seq_of_parameters):
            self.connection.queue_for(sql)
            return super().executemany(sql, seq_of_parameters)

    class QueuedConnection(sqlite3.Connection):
        _lock_fd = None   # this connection's descriptor of the lock file (opened once, closed with it)
        _holder = None    # the _writing key while this connection holds the queue
        _closer = None

        def cursor(self, factory=QueuedCursor):
            return super().cursor(factory)

        def execute(self, sql, parameters=()):
            self.queue_for(sql)
            return super().execute(sql, parameters)

        def queue_for(self, sql):
            if (self._holder is not None or self.in_transaction or self.isolation_level is None
                    or not opens_write(sql)):
                return
            key = (threading.get_ident(), lock_path)
            if key in _writing or not self._open_lock_file():
                return  # this thread holds this queue through another connection: never wait on itself
            if not take_turn(self._lock_fd, wait_seconds):
                log.warning("no turn in the SQLite writer queue (%s) after %.0f s: writing without it",
                            lock_path, wait_seconds)
                self._drop_lock_file()  # a waiter may still get the lock on it: the next turn opens another
                return
            self._holder = key
            _writing[key] = self

        def _open_lock_file(self):
            if self._lock_fd is None and lock_path not in _unusable:
                try:
                    self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)  # the umask decides
                except OSError as error:
                    if error.errno in LASTING_ERRORS:  # not for a moment's shortage of descriptors
                        _unusable.add(lock_path)
                        log.warning("SQLite writer queue off: cannot open %s (%s)", lock_path, error)
                    return False
                self._closer = weakref.finalize(self, os.close, self._lock_fd)  # also if never closed
            return self._lock_fd is not None

        def _drop_lock_file(self):
            if self._closer is not None:
                self._closer()  # closes the descriptor once
            self._lock_fd = self._closer = None

        def leave_queue(self):
            key, self._holder = self._holder, None
            if key is not None:
                _writing.pop(key, None)
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

        def commit(self):
            try:
                super().commit()
            finally:
                if not self.in_transaction:
                    self.leave_queue()

        def rollback(self):
            try:
                super().rollback()
            finally:
                self.leave_queue()

        def close(self):
            try:
                super().close()
            finally:
                self.leave_queue()
                self._drop_lock_file()

    return QueuedConnection


def queued_writers_options(database_path):
    """SQLAlchemy engine options (connect_args) that put this database's writers in the queue."""
    return {"connect_args": {"factory": queued_connection_class(f"{database_path}.writers")}}
