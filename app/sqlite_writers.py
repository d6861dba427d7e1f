"""SQLite: writers from several processes take turns on a kernel lock instead of polling for the file lock.

SQLite lets one transaction write at a time. A second writer finds the file locked and waits in SQLite's
busy handler, which sleeps 1, 2, 5, 10 … ms between tries: the lock is often free again long before the
sleeper wakes, and meanwhile nobody writes. With two gunicorn workers placing orders (five short write
transactions each), that idle time was a third of the machine (docs/benchmarks.md, checkout).

So every connection made here takes an exclusive flock on `<database>.writers` just before the statement
that opens its write transaction (the first INSERT, UPDATE, DELETE or REPLACE, where Python's sqlite3
begins one) and lets go when the transaction ends (commit, rollback, close). Waiting on a flock is
waiting in the kernel: the next writer runs the moment the lock is released, and SQLite's own lock is
then free for it. Readers never take it (WAL lets them read beside the writer).

It only orders writers that go through these connections; anything else writing the file (the sqlite3
shell, another program) still meets SQLite's lock and the busy handler, as before, so nothing is less
safe than without it. A thread that already writes through one connection and opens a write on a
second one (it would wait for itself) skips the queue and falls back to the busy handler.
"""
import fcntl
import os
import sqlite3
import threading

WRITE_KEYWORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_writing = {}  # thread id -> the connection through which that thread holds the queue


def opens_write(sql):
    """Does this statement make Python's sqlite3 begin a transaction (legacy transaction control)?"""
    return sql.lstrip()[:7].upper().startswith(WRITE_KEYWORDS)


def queued_connection_class(lock_path):
    """A sqlite3.Connection class (for sqlite3.connect(factory=...)) whose writers queue on lock_path."""

    class QueuedCursor(sqlite3.Cursor):
        def execute(self, sql, parameters=()):
            self.connection.queue_for(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql, seq_of_parameters):
            self.connection.queue_for(sql)
            return super().executemany(sql, seq_of_parameters)

    class QueuedConnection(sqlite3.Connection):
        _lock_fd = None   # this connection's descriptor of the lock file (opened once, kept till close)
        _holder = None    # the thread id while this connection holds the queue

        def cursor(self, factory=QueuedCursor):
            return super().cursor(factory)

        def execute(self, sql, parameters=()):
            self.queue_for(sql)
            return super().execute(sql, parameters)

        def queue_for(self, sql):
            if (self._holder is not None or self.in_transaction or self.isolation_level is None
                    or not opens_write(sql)):
                return
            thread = threading.get_ident()
            if thread in _writing:
                return  # this thread holds the queue through another connection: never wait on itself
            if self._lock_fd is None:
                self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            self._holder = thread
            _writing[thread] = self

        def leave_queue(self):
            thread, self._holder = self._holder, None
            if thread is not None:
                _writing.pop(thread, None)
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
                fd, self._lock_fd = self._lock_fd, None
                if fd is not None:
                    os.close(fd)

    return QueuedConnection


def queued_writers_options(database_path):
    """SQLAlchemy engine options (connect_args) that put this database's writers in the queue."""
    return {"connect_args": {"factory": queued_connection_class(f"{database_path}.writers")}}
