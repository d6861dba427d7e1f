"""Query lists, a gunicorn process, and a bounded concurrent HTTP load (keep-alive, loopback only)."""
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from app.catalog import seed_vocabulary as vocab

ROOT = Path(__file__).resolve().parent.parent


def _words(rng):
    category = rng.choice(vocab.CATEGORIES)
    pool = [rng.choice(category["nouns"]), rng.choice(category["adjectives"]), rng.choice(vocab.BRANDS)]
    return " ".join(rng.sample(pool, rng.randint(1, 2))).lower()


def typing_queries(count, seed):
    """What a header box sends while someone types: every prefix of 2+ letters of a phrase."""
    rng, queries = random.Random(f"typing:{seed}"), []
    while len(queries) < count:
        phrase = _words(rng)
        queries += [phrase[:n] for n in range(2, len(phrase) + 1) if not phrase[:n].endswith(" ")]
    return queries[:count]


def result_queries(count, seed):
    rng = random.Random(f"results:{seed}")
    return [_words(rng) for _ in range(count)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, workers, threads=1):
    """gunicorn on a free loopback port: `workers` processes, each with `threads` threads (gthread) or
    synchronous (threads=1)."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    threading = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else []
    process = subprocess.Popen(
        [gunicorn, "-w", str(workers), *threading, "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "bench.wsgi:app"],
        cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/bare")
            connection.getresponse().read()
            break
        except OSError:
            time.sleep(0.2)
    # Warm each worker: open the index and load its columns before measuring.
    for _ in range(workers * 4):
        http_latencies(base, "/search/suggest?q=", ["wa"], 1, {"HX-Request": "true"})
        http_latencies(base, "/search?q=", ["warm"], 1)
    return process, base


def stop_gunicorn(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def http_latencies(base, path, queries, clients, headers=None):
    """Send every query once, spread over `clients` threads with one keep-alive connection each."""
    host, port = base.split("//")[1].split(":")
    latencies, lock = [], threading.Lock()

    def client(mine):
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        for text in mine:
            started = time.perf_counter()
            connection.request("GET", path + urllib.parse.quote(text), headers=headers or {})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status >= 400:
                raise RuntimeError(f"{path}{text}: HTTP {response.status}")
            with lock:
                latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client, args=(queries[i::clients],)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies
