"""The SQLite writer queue (app/sqlite_writers.py), on real files: a second writer waits on the kernel
lock until the first one's transaction ends (commit, rollback or close), readers never wait, and a
thread that writes through two connections at once is not made to wait for itself."""
import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.config import sqlite_engine_options
from app.sqlite_writers import opens_write, queued_connection_class

ROOT = Path(__file__).resolve().parents[2]


def queue_is_held(tmp_path):
    fd = os.open(tmp_path / "shop.db.writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


@pytest.fixture
def connect(tmp_path):
    path = tmp_path / "shop.db"
    factory = queued_connection_class(f"{path}.writers")
    opened = []

    def open_one(timeout=5.0):
        connection = sqlite3.connect(path, timeout=timeout, factory=factory, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        opened.append(connection)
        return connection

    first = open_one()
    first.execute("CREATE TABLE stock (id INTEGER PRIMARY KEY, left INTEGER)")
    first.execute("INSERT INTO stock VALUES (1, 10)")
    first.commit()
    yield open_one
    for connection in opened:
        connection.close()


def write_in_thread(connection, events):
    def run():
        connection.execute("UPDATE stock SET left = left - 1 WHERE id = 1")
        events.append(("second wrote", time.perf_counter()))
        connection.commit()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_second_writer_waits_for_the_first_transaction_to_end(connect, end, tmp_path):
    first, second = connect(), connect()
    first.execute("SELECT left FROM stock").fetchall()
    assert not queue_is_held(tmp_path)  # reading takes no turn
    first.execute("UPDATE stock SET left = left - 1 WHERE id = 1")  # holds the queue from here
    assert queue_is_held(tmp_path)
    events = []
    thread = write_in_thread(second, events)
    time.sleep(0.3)
    assert events == []  # waiting on the lock file, not failing and not writing
    assert connect().execute("SELECT left FROM stock").fetchone() == (10,)  # a reader does not wait
    ended = time.perf_counter()
    getattr(first, end)()
    thread.join(5)
    assert events and events[0][1] >= ended
    assert not queue_is_held(tmp_path)  # the second writer committed and let go too
    left = connect().execute("SELECT left FROM stock").fetchone()[0]
    assert left == (8 if end == "commit" else 9)


def test_a_thread_writing_through_two_connections_does_not_wait_for_itself(connect):
    first, second = connect(timeout=0.2), connect(timeout=0.2)
    first.execute("UPDATE stock SET left = left - 1 WHERE id = 1")
    started = time.perf_counter()
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # SQLite's own answer, after its timeout
        second.execute("UPDATE stock SET left = left - 1 WHERE id = 1")
    assert time.perf_counter() - started < 2
    first.commit()
    second.execute("UPDATE stock SET left = left - 1 WHERE id = 1")
    second.commit()
    assert connect().execute("SELECT left FROM stock").fetchone() == (8,)


def test_many_writers_in_threads_lose_no_update(connect):
    connections = [connect(timeout=30) for _ in range(6)]

    def buy(connection):
        for _ in range(20):
            connection.execute("UPDATE stock SET left = left + 1 WHERE id = 1")
            connection.commit()

    threads = [threading.Thread(target=buy, args=(c,)) for c in connections]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert connect().execute("SELECT left FROM stock").fetchone() == (10 + 6 * 20,)


def test_only_statements_that_open_a_transaction_queue():
    assert opens_write("INSERT INTO x VALUES (1)") and opens_write("  update x set a = 1")
    assert opens_write("DELETE FROM x") and opens_write("REPLACE INTO x VALUES (1)")
    assert not opens_write("SELECT 1") and not opens_write("PRAGMA journal_mode=WAL")
    assert not opens_write("CREATE TABLE y (a)") and not opens_write("WITH a AS (SELECT 1) SELECT * FROM a")


def test_the_queue_is_used_for_sqlite_files_only(tmp_path):
    assert "factory" in sqlite_engine_options("sqlite:////tmp/shop.db", "/srv/instance")["connect_args"]
    assert sqlite_engine_options("sqlite://", "/x") == {} and sqlite_engine_options("sqlite:///:memory:", "/x") == {}


def test_a_relative_database_queues_beside_the_file_in_the_instance_folder(tmp_path, monkeypatch):
    # Flask-SQLAlchemy puts sqlite:///shop.db in the instance folder; the lock file must be there too, or
    # a cron job started elsewhere would queue on another file.
    monkeypatch.chdir(tmp_path)
    factory = sqlite_engine_options("sqlite:///shop.db", str(tmp_path / "instance"))["connect_args"]["factory"]
    (tmp_path / "instance").mkdir()
    connection = sqlite3.connect(tmp_path / "instance" / "shop.db", factory=factory)
    connection.execute("CREATE TABLE t (a)")
    connection.execute("INSERT INTO t VALUES (1)")
    assert (tmp_path / "instance" / "shop.db.writers").exists() and not (tmp_path / "shop.db.writers").exists()
    connection.commit()
    connection.close()


def test_a_writer_left_waiting_stops_queueing_and_meets_sqlites_own_timeout(tmp_path):
    # Without a bound, a transaction left open (`flask shell`) would hold every writer forever; SQLite
    # alone answered "database is locked" after its busy timeout, and so it still does.
    path = tmp_path / "shop.db"
    factory = queued_connection_class(f"{path}.writers", wait_seconds=0.3)
    first = sqlite3.connect(path, timeout=0.2, factory=factory, check_same_thread=False)
    first.execute("CREATE TABLE t (a)")
    first.execute("INSERT INTO t VALUES (1)")  # a transaction left open (a `flask shell`)
    errors = []

    def second():
        other = sqlite3.connect(path, timeout=0.2, factory=factory)
        try:
            other.execute("INSERT INTO t VALUES (2)")
        except sqlite3.OperationalError as error:
            errors.append(str(error))
        other.close()

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(5)
    assert not thread.is_alive() and errors == ["database is locked"]  # as without the queue: no hang
    first.rollback()
    first.close()
    # The abandoned turn came after all, and was handed straight back: the queue is free.
    deadline = time.monotonic() + 2
    while queue_is_held(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not queue_is_held(tmp_path)


def test_no_lock_file_no_queue_but_writes_still_work(tmp_path):
    path = tmp_path / "shop.db"
    factory = queued_connection_class(str(tmp_path / "missing" / "shop.db.writers"))
    connection = sqlite3.connect(path, factory=factory)
    connection.execute("CREATE TABLE t (a)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    assert connection.execute("SELECT count(*) FROM t").fetchone() == (1,)
    connection.close()


def test_a_write_at_interpreter_exit_still_goes_through(tmp_path):
    # concurrent.futures refuses new work once the interpreter is shutting down; the analytics buffer is
    # flushed by an atexit hook after that point, and its events were lost when the queue needed a waiter.
    script = tmp_path / "exit_write.py"
    script.write_text(f"""
import atexit, sqlite3, sys
sys.path.insert(0, {str(ROOT)!r})
from app.sqlite_writers import queued_connection_class
path = {str(tmp_path / "shop.db")!r}
factory = queued_connection_class(path + ".writers")
holder = sqlite3.connect(path, factory=factory, check_same_thread=False)
holder.execute("CREATE TABLE t (a)")
holder.commit()
writer = sqlite3.connect(path, timeout=5, factory=factory)

def flush():  # runs after concurrent.futures' own exit hook
    import threading, time
    def other_writer():  # another thread is writing at that moment
        holder.execute("INSERT INTO t VALUES (1)")
        time.sleep(0.3)
        holder.commit()
    threading.Thread(target=other_writer).start()
    time.sleep(0.1)
    writer.execute("INSERT INTO t VALUES (2)")
    writer.commit()
    print(writer.execute("SELECT count(*) FROM t").fetchone()[0])

atexit.register(flush)
import concurrent.futures.thread  # registers its exit hook after ours, so it runs first
""")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_a_turn_given_up_and_handed_back_later_never_frees_a_later_turn(tmp_path):
    # The first write gives up waiting (another program holds the lock file); its waiter gets the lock
    # later and hands it back. By then the same connection holds a new turn, which must stay held.
    path = tmp_path / "shop.db"
    holder = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    connection = sqlite3.connect(path, factory=queued_connection_class(f"{path}.writers", wait_seconds=0.2))
    connection.execute("CREATE TABLE t (a)")
    connection.execute("INSERT INTO t VALUES (1)")  # no turn after 0.2 s: written without the queue
    connection.commit()
    threading.Timer(0.05, fcntl.flock, (holder, fcntl.LOCK_UN)).start()
    connection.execute("INSERT INTO t VALUES (2)")  # the next transaction's turn, once the holder lets go
    time.sleep(0.3)  # the abandoned waiter has had the lock and handed it back
    assert queue_is_held(tmp_path)
    connection.commit()
    assert not queue_is_held(tmp_path)
    connection.close()
    os.close(holder)


def test_a_waiter_given_up_on_does_not_hold_up_the_process_exit(tmp_path):
    holder = os.open(tmp_path / "shop.db.writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)  # held for the whole test
    script = tmp_path / "give_up.py"
    script.write_text(f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
from app.sqlite_writers import take_turn
fd = os.open({str(tmp_path / "shop.db.writers")!r}, os.O_RDWR)
print(take_turn(fd, 0.2))
""")
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "False" and time.monotonic() - started < 10
    os.close(holder)
