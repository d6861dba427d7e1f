"""Configuration: defaults here, then instance/config.py, then the environment, then test_config.

Every setting an operator may change is listed in DEFAULTS with its default, so this file is also the
reference for what can be set.
"""
import json
import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"

DEFAULTS = {
    "SHOP_NAME": "The Shop",
    # The default <meta name="description"> and Open Graph description (the home page's tagline too).
    "SHOP_DESCRIPTION": "Well-made things for home, work and the outdoors.",
    # Every absolute link that leaves the site (mail, SMS, order links) is built on this, never on the
    # request's Host header (app/ops/links.py). Production sets its public https:// address.
    "SHOP_BASE_URL": "http://127.0.0.1:5000",
    # Hosts the shop answers for; any other Host header gets 400. None: the host of SHOP_BASE_URL (and,
    # for a loopback base, 127.0.0.1, localhost and ::1). From the environment: comma-separated.
    "TRUSTED_HOSTS": None,
    # How many reverse proxies in front of the app add X-Forwarded-For / -Proto (app/ops/links.py). 0: the
    # app faces clients directly and ignores those headers, which a client could forge.
    "TRUSTED_PROXIES": 0,
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    # SQLite in instance/ unless DATABASE_URL says otherwise (filled in by load_config).
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SEARCH_INDEX_DIR": str(ROOT / "search_index"),
    # Seconds between checks of the product change log per process (other workers and servers write too).
    "SEARCH_SYNC_INTERVAL": 1.0,
    # A missing index is built inside the first search up to this many active products; larger
    # catalogs are answered by the database until `flask search reindex` has run.
    "SEARCH_INLINE_BUILD_LIMIT": 5000,
    # A change-log backlog up to this size is applied inside the request; a bigger one in a thread.
    "SEARCH_INLINE_SYNC_LIMIT": 2000,
    # Keep recent search answers per index version (False: always recompute, e.g. to measure).
    "SEARCH_ANSWER_CACHE": True,
    # Term postings kept per worker for scoring (≈100 bytes each): memory against the speed of new queries.
    "SEARCH_POSTINGS_CACHE": 400_000,
    # Shared catalog pages (Flask-Caching, app/catalog/page_cache.py): kept in each worker's memory, or
    # in Redis when CACHE_REDIS_URL is set (several servers then share one cache). Keys carry the
    # catalog's version, so entries never go stale; the timeout and the threshold only bound memory.
    "CACHE_REDIS_URL": None,
    "CACHE_TYPE": "SimpleCache",  # RedisCache when CACHE_REDIS_URL is set (load_config)
    "CACHE_DEFAULT_TIMEOUT": 3600,
    "CACHE_THRESHOLD": 400,  # pages per worker in memory (about 50 KB each)
    "CACHE_KEY_PREFIX": "shop:",
    # Response compression (Flask-Compress): the browser's choice among zstd, brotli and gzip.
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],
    "COMPRESS_LEVEL": 6,  # gzip
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_ZSTD_LEVEL": 3,
    # Fingerprinted static files (Flask-Static-Digest; `flask digest compile` writes them, `make` runs it).
    "FLASK_STATIC_DIGEST_COMPRESSION": [],  # compressed on the fly by Flask-Compress instead
    # Search events are written in batches: this many at once, or when the oldest has waited this long.
    "ANALYTICS_BATCH": 50,
    "ANALYTICS_FLUSH_SECONDS": 2.0,
    # The admin dashboard (docs/admin.md): products at or below this stock are listed as low.
    "ANALYTICS_LOW_STOCK": 5,
    # Forwarding events to an external analytics service: off unless ANALYTICS_FORWARD_URL is set (the
    # service's base address). KIND: "plausible" (SITE is the site's domain there) or "matomo" (SITE is
    # the idsite; TOKEN an optional token_auth that lets events keep their own time).
    "ANALYTICS_FORWARD_URL": None,
    "ANALYTICS_FORWARD_KIND": "plausible",
    "ANALYTICS_FORWARD_SITE": "",
    "ANALYTICS_FORWARD_TOKEN": None,
    "ANALYTICS_FORWARD_TIMEOUT": 5,
    "ANALYTICS_FORWARD_MAX_ATTEMPTS": 8,
    "UPLOAD_DIR": str(ROOT / "static" / "uploads"),
    # Uploaded product images (app/catalog/image_store.py): None means instance/product_images. Each
    # file is checked and re-encoded by Pillow; these bound one file's bytes and pixels, and the files
    # of one upload (the upload request may then be PRODUCT_IMAGE_MAX_FILES files long).
    "PRODUCT_IMAGE_DIR": None,
    "PRODUCT_IMAGE_MAX_BYTES": 10 * 1024 * 1024,
    "PRODUCT_IMAGE_MAX_PIXELS": 40_000_000,
    "PRODUCT_IMAGE_MAX_FILES": 10,
    # The largest product CSV the admin's import form accepts (`flask products import` has no limit).
    "CSV_IMPORT_MAX_BYTES": 64 * 1024 * 1024,
    "CURRENCY": "USD",
    "FREE_SHIPPING_FROM": 5000,  # minor units; 0 turns the hint off
    "PRODUCTS_PER_PAGE": 24,
    # Cookies: HttpOnly and SameSite everywhere; Secure (and the __Host- prefix) when served over HTTPS.
    "SECURE_COOKIES": False,
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    # Mail: without MAIL_SERVER, messages are written as .eml files under instance/mail/.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "The Shop <shop@localhost>",
    "MAIL_MAX_ATTEMPTS": 8,  # failed tries before an outbox row is marked failed (backoff: app/mail/services.py)
    "MAIL_TIMEOUT": 10,  # seconds, for connecting to and talking with the SMTP server
    "MAIL_FILE_DIR": None,  # where .eml files go without MAIL_SERVER; None means instance/mail/
    # SMS (docs/notifications.md): without Twilio credentials, texts are written under instance/sms/.
    "SHOP_PHONE_REGION": "US",  # ISO country a mobile number without +country code is read in
    "TWILIO_ACCOUNT_SID": None,
    "TWILIO_AUTH_TOKEN": None,
    "TWILIO_FROM": None,  # the sending number in E.164, or
    "TWILIO_MESSAGING_SERVICE_SID": None,  # a messaging service (used instead of TWILIO_FROM when set)
    "TWILIO_BASE_URL": "https://api.twilio.com",  # tests point it at a stand-in on 127.0.0.1
    "SMS_TIMEOUT": 10,  # seconds for each call to the provider
    "SMS_FILE_DIR": None,  # where texts go without a provider; None means instance/sms/
    # Promotional email is queued this many recipients at a time; consent is read again for each batch.
    "PROMOTION_BATCH_SIZE": 200,
    # Rate limits (Flask-Limiter); memory by default, Redis via RATELIMIT_STORAGE_URI=redis://...
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Failed logins, counted three ways so that a stranger cannot lock the owner out: tightly per account
    # and client address together, loosely per account (only many addresses together reach it), and per
    # address across accounts.
    "RATELIMIT_LOGIN": "5 per minute; 30 per hour",
    "RATELIMIT_LOGIN_ACCOUNT": "100 per hour",
    "RATELIMIT_LOGIN_ADDRESS": "20 per minute; 100 per hour",
    # The other account limits, each applied per account (the email asked about) and per client address.
    "RATELIMIT_REGISTER": "10 per hour",
    "RATELIMIT_RESET": "5 per hour",
    "RATELIMIT_REVERIFY": "3 per hour",
    # Declined payments per cart and per client address: stops a stolen-card tester, never a shopper.
    "RATELIMIT_PAYMENT": "10 per hour",
    # Checkout (docs/checkout.md). Shipping: flat rates in minor units; a method with free_from_threshold
    # ships free from FREE_SHIPPING_FROM. From the environment: JSON.
    "SHIPPING_METHODS": [
        {"code": "standard", "name": "Standard delivery", "detail": "3 to 5 working days", "price": 495,
         "free_from_threshold": True},
        {"code": "express", "name": "Express delivery", "detail": "next working day", "price": 1495,
         "free_from_threshold": False},
    ],
    # Tax rates in basis points (725 = 7.25 %) by "COUNTRY-REGION" or "COUNTRY" (ISO codes, upper case),
    # e.g. {"US-CA": 725, "DE": 1900}; an address with no entry pays none. Added on top of the prices as
    # its own line. TAX_ON_SHIPPING also taxes the shipping charge. From the environment: JSON.
    "TAX_RATES": {},
    "TAX_ON_SHIPPING": False,
    # Payments: "immediate" submits each sale for settlement; "manual" only authorizes (an admin captures).
    "PAYMENT_CAPTURE": "immediate",
    # A pending order holds its stock this long; `flask payments reconcile` then asks the gateway and,
    # if nothing was charged, gives the stock back.
    "PAYMENT_HOLD_MINUTES": 30,
    # An attempt whose answer was lost (timeout, 5xx) is left alone this long before it is looked up at
    # the gateway and, if not found there, counted as not charged (the request may still be in flight).
    "PAYMENT_UNKNOWN_WAIT_SECONDS": 120,
    # Braintree: without credentials the shop runs in offline test mode.
    "BRAINTREE_ENVIRONMENT": "sandbox",
    "BRAINTREE_MERCHANT_ID": None,
    "BRAINTREE_PUBLIC_KEY": None,
    "BRAINTREE_PRIVATE_KEY": None,
    "BRAINTREE_MERCHANT_ACCOUNT_ID": None,  # the account (and so the currency) sales go to; None: the default
    "BRAINTREE_TIMEOUT": 20,  # seconds for each call to the gateway
    # Tests only: the base URL (http://127.0.0.1:PORT) of a gateway stand-in that the SDK talks to instead.
    "BRAINTREE_ENVIRONMENT_URL": None,
    "LOG_LEVEL": "INFO",
}

# Environment variables read as-is (strings) or converted by the function given.
_truthy = lambda v: v.strip().lower() in {"1", "true", "yes", "on"}  # noqa: E731
ENVIRONMENT = {
    "SECRET_KEY": str,
    "SHOP_NAME": str,
    "SHOP_DESCRIPTION": str,
    "SHOP_BASE_URL": str,
    "TRUSTED_HOSTS": lambda v: [h.strip() for h in v.split(",") if h.strip()],
    "TRUSTED_PROXIES": int,
    "SEARCH_INDEX_DIR": str,
    "SEARCH_POSTINGS_CACHE": int,
    "CACHE_REDIS_URL": str,
    "CACHE_THRESHOLD": int,
    "UPLOAD_DIR": str,
    "PRODUCT_IMAGE_DIR": str,
    "PRODUCT_IMAGE_MAX_BYTES": int,
    "PRODUCT_IMAGE_MAX_PIXELS": int,
    "PRODUCT_IMAGE_MAX_FILES": int,
    "CSV_IMPORT_MAX_BYTES": int,
    "CURRENCY": str,
    "FREE_SHIPPING_FROM": int,
    "SECURE_COOKIES": _truthy,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _truthy,
    "MAIL_USE_SSL": _truthy,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_MAX_ATTEMPTS": int,
    "MAIL_TIMEOUT": int,
    "MAIL_FILE_DIR": str,
    "SHOP_PHONE_REGION": str,
    "TWILIO_ACCOUNT_SID": str,
    "TWILIO_AUTH_TOKEN": str,
    "TWILIO_FROM": str,
    "TWILIO_MESSAGING_SERVICE_SID": str,
    "TWILIO_BASE_URL": str,
    "SMS_TIMEOUT": int,
    "SMS_FILE_DIR": str,
    "PROMOTION_BATCH_SIZE": int,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_ENABLED": _truthy,
    "RATELIMIT_LOGIN": str,
    "RATELIMIT_LOGIN_ACCOUNT": str,
    "RATELIMIT_LOGIN_ADDRESS": str,
    "RATELIMIT_REGISTER": str,
    "RATELIMIT_RESET": str,
    "RATELIMIT_REVERIFY": str,
    "RATELIMIT_PAYMENT": str,
    "SHIPPING_METHODS": json.loads,
    "TAX_RATES": json.loads,
    "TAX_ON_SHIPPING": _truthy,
    "PAYMENT_CAPTURE": str,
    "PAYMENT_HOLD_MINUTES": int,
    "PAYMENT_UNKNOWN_WAIT_SECONDS": int,
    "BRAINTREE_ENVIRONMENT": str,
    "BRAINTREE_MERCHANT_ID": str,
    "BRAINTREE_PUBLIC_KEY": str,
    "BRAINTREE_PRIVATE_KEY": str,
    "BRAINTREE_MERCHANT_ACCOUNT_ID": str,
    "BRAINTREE_TIMEOUT": int,
    "BRAINTREE_ENVIRONMENT_URL": str,
    "LOG_LEVEL": str,
    "ANALYTICS_LOW_STOCK": int,
    "ANALYTICS_FORWARD_URL": str,
    "ANALYTICS_FORWARD_KIND": str,
    "ANALYTICS_FORWARD_SITE": str,
    "ANALYTICS_FORWARD_TOKEN": str,
}


def database_url_from_env(value):
    """Accept the common `postgres://` spelling and use psycopg 3 for PostgreSQL."""
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://"):]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://"):]
    return value


def load_config(app, test_config=None):
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)  # instance/config.py
    for name, convert in ENVIRONMENT.items():
        if name in os.environ:
            app.config[name] = convert(os.environ[name])
    if "DATABASE_URL" in os.environ:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url_from_env(os.environ["DATABASE_URL"])
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'shop.db'}"
    else:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url_from_env(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and app.config["SQLALCHEMY_ENGINE_OPTIONS"] == DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"]:
        # A file has no server that could have dropped the connection: no ping before every request.
        # Writers from several workers take turns on a kernel lock (app/sqlite_writers.py).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False,
                                                   **sqlite_engine_options(app.config["SQLALCHEMY_DATABASE_URI"],
                                                                           app.instance_path)}
    if app.config["CACHE_REDIS_URL"] and app.config["CACHE_TYPE"] == "SimpleCache":
        app.config["CACHE_TYPE"] = "RedisCache"
    if app.config["SECURE_COOKIES"]:
        # __Host- cookies must be Secure, have Path=/ and no Domain: the browser then refuses any
        # cookie of that name set by a sibling subdomain or over plain HTTP.
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-session",
            REMEMBER_COOKIE_NAME="__Host-remember_token",
            PREFERRED_URL_SCHEME="https",
        )
    check_secret_key(app)


class InsecureConfiguration(RuntimeError):
    pass


def check_secret_key(app):
    """Production must not run with the published default key: anyone could forge sessions."""
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing or app.config.get("TESTING")):
        raise InsecureConfiguration(
            "SECRET_KEY is the built-in default. Set SECRET_KEY in the environment or in instance/config.py "
            "(`make run` writes a random one there)."
        )


def sqlite_engine_options(uri, instance_path):
    """The writer queue for a SQLite file; nothing for an in-memory database (one connection, no workers).
    A relative path is in the instance folder, where Flask-SQLAlchemy puts the database itself."""
    import os

    from sqlalchemy.engine import make_url

    from app.sqlite_writers import queued_writers_options

    path = make_url(uri).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return {}
    return queued_writers_options(os.path.join(instance_path, path))
