"""Shared fixtures, flaskr style: app, client, runner, db, plus htmx, a live server and a browser page.

Database: SQLite (a file per test session) by default; PostgreSQL when TEST_DATABASE_URL is set. The
schema is built once per session by running the real migrations (`flask db upgrade`), and every test
starts from empty tables. PostgreSQL and the browser skip loudly when absent, and fail instead when
REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1 (as CI sets them).
"""
import functools
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from werkzeug.serving import make_server

from app import create_app
from app.config import database_url_from_env
from app.extensions import db as _db
from tests import factories

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
        # Mailed links point where the test client sends its requests (the live server resets it).
        "SHOP_BASE_URL": "http://localhost",
        # Search events written at once, so a test sees them (tests/catalog/test_listing.py checks the batches).
        "ANALYTICS_BATCH": 1,
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


class ShopTestClient(FlaskClient):
    """Closes each response as soon as it is read, as a real server does once it has sent it, so the work
    a response does when closed (mail delivery, app.mail.hooks) is done when the call returns. Pass
    buffered=False to look at the moment between the answer and that work."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture
def app(migrated, tmp_path, app_config):
    app = create_app(make_test_config(migrated, tmp_path / "search_index", **app_config))
    app.test_client_class = ShopTestClient
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
    app.config["SHOP_BASE_URL"] = server.url  # links in mail lead back to this server
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


# --- accounts and mail ----------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _mail_files_in_tmp(monkeypatch, tmp_path):
    """Without MAIL_SERVER the shop writes .eml files; in tests they go to the test's tmp dir."""
    monkeypatch.setenv("MAIL_FILE_DIR", str(tmp_path / "mail"))


class SMTPServer:
    """A real SMTP server (aiosmtpd) on a free loopback port. `messages` holds what it received, parsed;
    stop()/start() take it down and bring it back on the same port, to simulate an outage."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.controller = None
        self.config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 5}

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_recipients]

    def wait_for(self, count, timeout=10.0):
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"expected {count} messages, got {len(self.messages)}"
        return self.messages


def mail_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def mail_link(message):
    """The first link in the message's plain-text part."""
    import re

    match = re.search(r"https?://\S+", mail_text(message))
    assert match, f"no link in message {message['Subject']!r}"
    return match.group(0)


@pytest.fixture
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


class AuthActions:
    """Register, log in and out through the real endpoints (with a CSRF token when CSRF is on)."""

    PASSWORD = factories.PASSWORD

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def csrf_token(self, path="/login"):
        return factories.csrf_token_in(self.client.get(path).get_data(as_text=True))

    def register(self, email="shopper@example.com", password=PASSWORD, name="Sam Shopper", confirm=None):
        return self.client.post("/register", data={
            "name": name, "email": email, "password": password,
            "confirm": password if confirm is None else confirm, "csrf_token": self.csrf_token("/register"),
        })

    def create_user(self, email="shopper@example.com", password=PASSWORD, name="Sam Shopper", verified=True,
                    admin=False):
        """A user straight in the database (faster than registering, for tests about something else)."""
        return factories.make_user(self.app, email, password, name, verified, admin)

    def login(self, email="shopper@example.com", password=PASSWORD, remember=False, next=None):
        return factories.log_in(self.client, email, password, remember, next)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token("/")})


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


# --- catalog and users (tests/factories.py) -------------------------------------------------------------

@pytest.fixture
def make_category(app):
    """make_category(slug, name=None, description=None) -> Category (created through the catalog services)."""
    return functools.partial(factories.category_for, app)


@pytest.fixture
def make_product(app):
    """make_product(name=None, category="audio", *, price, stock, brand, description, is_active,
    is_featured, image) -> Product, created through the catalog services."""
    return functools.partial(factories.make_product, app)


@pytest.fixture
def change_product(app):
    """change_product(product_id, **values) edits, change_product(product_id, delete=True) deletes (services)."""
    return functools.partial(factories.change_product, app)


@pytest.fixture
def make_user(app):
    """make_user(email="shopper@example.com", password=PASSWORD, name=..., verified=True, admin=False) -> id."""
    return functools.partial(factories.make_user, app)


@pytest.fixture
def login():
    """login(client, email="shopper@example.com", password=PASSWORD) posts the real login form and
    checks that it was accepted."""

    def post_login(client, email="shopper@example.com", password=factories.PASSWORD, **options):
        response = factories.log_in(client, email, password, **options)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return response

    return post_login


@pytest.fixture
def search(app, db):
    """search(text, **filters) -> SearchResult: the listing's real finder (the index for text, the database
    for browsing and as the fallback)."""
    from app.catalog.product_finder import find_products
    from app.search.results import SearchQuery

    return lambda text, **fields: find_products(SearchQuery(text=text, **fields))


@pytest.fixture
def csrf_token_from():
    """csrf_token_from(html) -> the first form CSRF token in the page."""
    return factories.csrf_token_in
