"""Shared fixtures, flaskr style: app, client, runner, db, plus htmx, a live server and a browser page.

Database: SQLite (a file per test session) by default; PostgreSQL when TEST_DATABASE_URL is set. The
schema is built once per session by running the real migrations (`flask db upgrade`), and every test
starts from empty tables. PostgreSQL and the browser skip loudly when absent, and fail instead when
REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1 (as CI sets them).
"""
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from werkzeug.serving import make_server

from app import create_app
from app.config import database_url_from_env
from app.extensions import db as _db

HX = {"HX-Request": "true"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def _required(name):
    return os.environ.get(name, "").strip() in {"1", "true", "yes"}


def _missing(reason, required_by):
    """Skip with a loud reason, or fail when the environment says this part is required."""
    if _required(required_by):
        pytest.fail(f"{reason} ({required_by}=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY: {reason} (set {required_by}=1 to make this fail)")


# --- database -----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = database_url_from_env(url)
        _reset_postgres(url)
        return url
    if _required("REQUIRE_POSTGRES"):
        pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", pytrace=False)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_postgres(url):
    """Drop everything in the test database's public schema, so migrations start from empty."""
    try:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as error:  # unreachable server, missing database, ...
        pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL is not usable: {error}", pytrace=False)


@pytest.fixture(scope="session")
def search_root(tmp_path_factory):
    return tmp_path_factory.mktemp("search")


def make_test_config(database_url, search_dir, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_INDEX_DIR": str(search_dir),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def migrated(database_url, search_root):
    """Run the real migrations once for the session."""
    from flask_migrate import upgrade

    app = create_app(make_test_config(database_url, search_root / "migrate"))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return database_url


def _empty_all_tables(app):
    with app.app_context():
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        if _db.engine.dialect.name == "postgresql":
            _db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                _db.session.execute(text(f"DELETE FROM {table}"))
            if inspect(_db.engine).has_table("sqlite_sequence"):
                _db.session.execute(text("DELETE FROM sqlite_sequence"))
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def app_config():
    """Per-test config overrides; a test module may override this fixture."""
    return {}


@pytest.fixture
def app(migrated, tmp_path, app_config):
    app = create_app(make_test_config(migrated, tmp_path / "search_index", **app_config))
    yield app
    _empty_all_tables(app)


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def hx():
    """Headers that make a request look like htmx asking for a fragment."""
    return dict(HX)


@pytest.fixture
def seeded(app):
    """A small deterministic demo catalog (24 products)."""
    from app.catalog.seed import seed_demo_catalog

    with app.app_context():
        seed_demo_catalog(24, seed=1)
    return app


# --- live server and browser ----------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, in a thread of this process."""
    server = LiveServer(app).start()
    yield server
    server.stop()


def chromium_path():
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not (Path(path).exists() or shutil.which(path)):
        _missing(f"Chromium not found at {path} (apt-get install chromium, or set CHROMIUM_PATH)", "REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed", "REQUIRE_BROWSER")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context_args():
    """Options for the browser context; override in a module (e.g. java_script_enabled=False)."""
    return {}


@pytest.fixture
def page(browser, browser_context_args):
    """A fresh browser page. `page.console_errors` collects console errors and uncaught exceptions;
    the fixture fails the test if any were recorded."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"
