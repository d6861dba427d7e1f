from sqlalchemy import create_engine


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_database_down(app, client):
    from app.extensions import db

    with app.app_context():
        # Point the session at a database that cannot be opened.
        broken = create_engine("sqlite:////nonexistent-dir/forbidden.db")
        db.session.remove()
        original = db.engines[None]
        db.engines[None] = broken
        try:
            response = app.test_client().get("/healthz")
        finally:
            db.engines[None] = original
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_requests_are_logged(client, caplog):
    caplog.set_level("INFO", logger="app.request")
    client.get("/healthz")
    assert any("GET /healthz 200" in record.getMessage() for record in caplog.records)


def test_long_urls_are_cut_in_the_log(client, caplog):
    caplog.set_level("INFO", logger="app.request")
    client.get("/healthz?q=" + "x" * 10_000)
    line = next(r.getMessage() for r in caplog.records if "/healthz" in r.getMessage())
    assert len(line) < 400 and line.endswith("…") is False and "…" in line
