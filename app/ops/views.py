"""Operational endpoints."""
import logging

from flask import jsonify
from sqlalchemy import text

from app.extensions import csrf, db, limiter
from app.ops import bp

log = logging.getLogger(__name__)


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """200 when the database answers, 503 when it does not (load balancers take the server out)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not healthy"
        db.session.rollback()
        log.warning("health check failed: %s", error)
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
