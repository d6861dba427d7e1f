"""The shop's application factory: it only calls the small register_* helpers below."""
import logging
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from app.config import ROOT, load_config


def create_app(test_config=None):
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    load_config(app, test_config)
    register_hosts(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_logging(app)
    register_extensions(app)
    register_search(app)
    register_jinja(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_hooks(app)
    return app


def register_hosts(app):
    from app.ops.links import configure_hosts, trust_proxies

    configure_hosts(app)
    trust_proxies(app)


def register_logging(app):
    from app.ops.logging import configure_logging

    configure_logging(app)


def register_extensions(app):
    from app import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from app.database import configure_sqlite_connections
    from app.extensions import cache, compress, csrf, db, limiter, login_manager, mail, migrate
    from app.ops.static_files import register_static_files

    configure_sqlite_connections()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "app" / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    compress.init_app(app)
    register_static_files(app)

    from app.auth.services import load_user_from_session_id

    login_manager.user_loader(load_user_from_session_id)
    login_manager.login_view = "auth.login"
    from app.auth.unauthorized import handle_unauthorized

    login_manager.unauthorized_handler(handle_unauthorized)
    login_manager.login_message_category = "info"


def register_search(app):
    """The search engine gets the catalog's products and change log through a feed (no import loop)."""
    from app.catalog.search_feed import CatalogFeed
    from app.search import init_search

    init_search(app, CatalogFeed())


def register_jinja(app):
    """Pages live in templates/, htmx fragments in partials/; both are reachable by one loader so a page
    can `{% include "partials/cart/badge.html" %}` and a view can render that same name."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader({"partials": FileSystemLoader(str(ROOT / "partials"))}),
        ]
    )
    from app.ops.templating import register_template_helpers

    register_template_helpers(app)


def register_converters(app):
    from app.ops.routing import register_converters as register

    register(app)  # before the blueprints: a rule binds its converters when it is added


def register_blueprints(app):
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.cart import bp as cart_bp
    from app.catalog import bp as catalog_bp
    from app.checkout import bp as checkout_bp
    from app.notifications import bp as notifications_bp
    from app.ops import bp as ops_bp
    from app.orders import bp as orders_bp
    from app.payments import bp as payments_bp

    for bp in (ops_bp, catalog_bp, auth_bp, cart_bp, checkout_bp, orders_bp, payments_bp, admin_bp,
               notifications_bp):
        app.register_blueprint(bp)


def register_errorhandlers(app):
    from app.ops.errors import register_error_pages

    register_error_pages(app)


def register_commands(app):
    from app.analytics.cli import analytics_cli
    from app.auth.cli import users_cli
    from app.cart.cli import cart_cli
    from app.catalog.cli import products_cli, seed_cli
    from app.notifications.cli import mail_cli, messages_cli
    from app.payments.cli import payments_cli
    from app.search.cli import search_cli

    for group in (seed_cli, products_cli, users_cli, cart_cli, search_cli, mail_cli, payments_cli, messages_cli,
                  analytics_cli):
        app.cli.add_command(group)


def register_hooks(app):
    from app.analytics.forward import register_forwarding
    from app.mail.hooks import register_mail_delivery
    from app.notifications.setup import register_notifications
    from app.ops.private_pages import no_store_for_signed_in
    from app.ops.security import add_security_headers, reject_nul_bytes, reject_unexpected_files

    app.before_request(reject_nul_bytes)
    app.before_request(reject_unexpected_files)
    app.after_request(add_security_headers)
    app.after_request(no_store_for_signed_in)
    register_mail_delivery(app)
    register_notifications(app)
    register_forwarding(app)
    logging.getLogger(__name__).debug("app created with database %s", app.config["SQLALCHEMY_DATABASE_URI"])
