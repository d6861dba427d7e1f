"""Static files under fingerprinted names, cached by browsers for a year without asking again.

`flask digest compile` (Flask-Static-Digest; `make run` and `make test` run it) copies every file in
static/ to a name with its content's MD5 (css/shop-<md5>.css) and writes cache_manifest.json; templates
link with `static_url_for('static', filename=...)`, which uses the fingerprinted name when the manifest
has one. A changed file gets a new name, so those names can be `immutable`. Files the manifest does not
know (no compile yet, an upload) keep their plain name and Flask's usual revalidation.
"""
from flask import request

from app.extensions import static_digest

IMMUTABLE_MAX_AGE = 365 * 24 * 3600


def register_static_files(app):
    static_digest.init_app(app)
    fingerprinted = frozenset(static_digest.manifests.get("static", {}).values())

    @app.after_request
    def cache_fingerprinted_files(response):
        if (request.endpoint == "static" and response.status_code in (200, 304)
                and (request.view_args or {}).get("filename") in fingerprinted):
            response.cache_control.public = True
            response.cache_control.max_age = IMMUTABLE_MAX_AGE
            response.cache_control.immutable = True
        return response
