"""Logging setup and one line per request: method, path, status, duration."""
import logging
import time

from flask import g, request

MAX_LOGGED_PATH = 300


def configure_logging(app):
    level = getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(level)

    request_log = logging.getLogger("app.request")

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.pop("request_started", None)
        if started is not None and request.endpoint != "static":
            elapsed_ms = (time.perf_counter() - started) * 1000
            fragment = " htmx" if request.headers.get("HX-Request") == "true" else ""
            path = request.full_path.rstrip("?")
            if len(path) > MAX_LOGGED_PATH:  # a 10,000-character query must not become a 10 kB log line
                path = path[:MAX_LOGGED_PATH] + "…"
            request_log.info("%s %s %s %.1fms%s", request.method, path, response.status_code, elapsed_ms, fragment)
        return response
