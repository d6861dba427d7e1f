"""Cart views (first cut: the header badge's count; the cart issue builds the cart)."""
from app.cart import bp


@bp.app_context_processor
def cart_badge_context():
    return {"cart_count": 0, "oob": False}
