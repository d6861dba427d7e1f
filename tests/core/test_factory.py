import pytest

from app import create_app
from app.config import DEFAULT_SECRET_KEY, InsecureConfiguration, database_url_from_env


def test_test_config_overrides_defaults(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret-key"


def test_production_refuses_default_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration):
        create_app({"SECRET_KEY": DEFAULT_SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("SHOP_NAME", "Corner Store")
    monkeypatch.setenv("DATABASE_URL", "postgres://shop@db.internal/shop")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SHOP_NAME"] == "Corner Store"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop@db.internal/shop"


def test_test_config_wins_over_environment(monkeypatch):
    monkeypatch.setenv("SHOP_NAME", "From env")
    app = create_app({"TESTING": True, "SHOP_NAME": "From test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SHOP_NAME"] == "From test"


def test_secure_cookies_use_host_prefix(monkeypatch):
    app = create_app({"TESTING": True, "SECURE_COOKIES": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_spellings(given, expected):
    assert database_url_from_env(given) == expected


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    """instance/config.py overrides the defaults (that is where `make run` writes the SECRET_KEY)."""
    import app as app_package

    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-instance'\nSHOP_NAME = 'Instance Shop'\n")
    monkeypatch.setattr(app_package, "ROOT", tmp_path.parent)
    from flask import Flask

    flask_app = Flask("probe", instance_path=str(tmp_path), instance_relative_config=True)
    from app.config import load_config

    load_config(flask_app, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert flask_app.config["SECRET_KEY"] == "from-instance"
    assert flask_app.config["SHOP_NAME"] == "Instance Shop"
