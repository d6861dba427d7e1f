"""Promotional email: compose, preview, test, then send to every member who opted in, in batches.

Sending flips the promotion to "sending"; each batch is queued (one outbox row per member, unique per
promotion and member, so a member never gets it twice) only when the previous batch has left the outbox,
and only for members whose "news and offers" choice is on at that moment. The outbox asks again just before
each email goes (app.notifications.gates), so an unsubscribe takes effect before the next batch and even
within the current one. Admin actions are audited (record_admin_action) in the same transaction.
"""
import re

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from app.admin.audit import record_admin_action
from app.auth.models import User
from app.catalog.models import Product
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.services import queue_message, render_mail
from app.notifications.gates import PROMOTION
from app.notifications.models import ConsentEvent, ContactPreference, Promotion
from app.notifications.unsubscribe import unsubscribe_headers, unsubscribe_url
from app.ops.links import external_url

MAX_PRODUCTS = 6


class PromotionError(ValueError):
    pass


class PromotionNotFound(PromotionError):
    def __init__(self):
        super().__init__("No such promotion.")


def parse_skus(text):
    """'A-1, B-2\\nC-3' -> ['A-1', 'B-2', 'C-3'] (order kept, repeats dropped)."""
    seen = []
    for sku in re.split(r"[\s,;]+", text or ""):
        if sku and sku not in seen:
            seen.append(sku)
    return seen


def products_for(skus):
    """The active products for these SKUs, in the given order; PromotionError naming any not found."""
    if len(skus) > MAX_PRODUCTS:
        raise PromotionError(f"Pick at most {MAX_PRODUCTS} products.")
    if any(len(sku) > 40 for sku in skus):
        raise PromotionError("A SKU is at most 40 characters.")
    found = products_on_sale(skus)
    missing = [sku for sku in skus if sku not in {p.sku for p in found}]
    if missing:
        raise PromotionError(f"No product on sale with SKU {', '.join(missing)}.")
    return found


def products_on_sale(skus):
    """Those of these SKUs' products still on sale, in the given order (a campaign under way leaves out a
    product taken off sale rather than stopping)."""
    if not skus:
        return []
    found = {p.sku: p for p in db.session.execute(
        select(Product).where(Product.sku.in_(skus[:MAX_PRODUCTS]), Product.is_active.is_(True))).scalars()}
    return [found[sku] for sku in skus if sku in found]


def _checked(subject, body_text, skus):
    subject, body_text = (subject or "").strip(), (body_text or "").strip()
    if not subject or not body_text:
        raise PromotionError("A promotion needs a subject and a text.")
    if len(subject) > 200 or len(body_text) > 20000:
        raise PromotionError("The subject is at most 200 characters and the text 20,000.")
    products_for(skus)
    return subject, body_text


def get_promotion(promotion_id):
    promotion = db.session.get(Promotion, promotion_id)
    if promotion is None:
        raise PromotionNotFound()
    return promotion


def list_promotions(limit=100):
    return db.session.execute(select(Promotion).order_by(Promotion.id.desc()).limit(limit)).scalars().all()


def create_promotion(*, actor, subject, body_text, skus):
    subject, body_text = _checked(subject, body_text, skus)
    promotion = Promotion(subject=subject, body_text=body_text, skus=list(skus), status="draft",
                          created_by_id=actor.id)
    db.session.add(promotion)
    db.session.flush()
    record_admin_action(actor, "promotion.create", "promotion", promotion.id,
                        after={"subject": subject, "skus": list(skus)})
    db.session.commit()
    return promotion


def update_promotion(promotion_id, *, actor, subject, body_text, skus):
    promotion = get_promotion(promotion_id)
    if promotion.status != "draft":
        raise PromotionError("This promotion is already being sent; it can no longer be changed.")
    subject, body_text = _checked(subject, body_text, skus)
    before = {"subject": promotion.subject, "body_text": promotion.body_text, "skus": promotion.skus}
    promotion.subject, promotion.body_text, promotion.skus = subject, body_text, list(skus)
    record_admin_action(actor, "promotion.update", "promotion", promotion.id, before=before,
                        after={"subject": subject, "body_text": body_text, "skus": list(skus)})
    db.session.commit()
    return promotion


def render_promotion(promotion, unsubscribe_link, products=None):
    """(text, html) of the email as a member gets it (`products`: products_for(promotion.skus), read once
    per batch by the caller)."""
    products = products_for(promotion.skus) if products is None else products
    context = dict(subject=promotion.subject, text=promotion.body_text, shop_name=current_app.config["SHOP_NAME"],
                   currency=current_app.config["CURRENCY"], unsubscribe_url=unsubscribe_link,
                   products=[(p, external_url("catalog.product", slug=p.slug)) for p in products])
    return render_mail("email/promotion.txt", context), render_mail("email/promotion.html", context)


def _queue_to(promotion, user_id, email, purpose, products=None):
    link = unsubscribe_url(user_id, promotion.id)
    text, html = render_promotion(promotion, link, products)
    subject = promotion.subject if purpose else f"[Test] {promotion.subject}"
    return queue_message("email", email, subject, text, body_html=html, purpose=purpose, user_id=user_id,
                         promotion_id=promotion.id if purpose else None, headers=unsubscribe_headers(link))


def send_test(promotion_id, *, actor):
    """The email as members will get it, to the admin's own address only (no consent needed: they asked)."""
    promotion = get_promotion(promotion_id)
    _queue_to(promotion, actor.id, actor.email, purpose="")
    record_admin_action(actor, "promotion.test", "promotion", promotion.id, after={"to": actor.email})
    db.session.commit()


def start_sending(promotion_id, *, actor, batch_size):
    """From draft to sending; the first batch is queued now (delivered after the admin's response)."""
    promotion = get_promotion(promotion_id)
    if promotion.status != "draft":
        raise PromotionError("This promotion has already been sent.")
    products_for(promotion.skus)  # a product taken off sale since: fix the draft first
    promotion.status, promotion.started_at = "sending", utcnow()
    record_admin_action(actor, "promotion.send", "promotion", promotion.id, before={"status": "draft"},
                        after={"status": "sending", "audience": audience_left(promotion.id)})
    db.session.commit()
    queue_next_batch(promotion.id, batch_size)
    return promotion


def _not_yet_queued(promotion_id):
    queued = exists().where(OutboxMessage.promotion_id == promotion_id, OutboxMessage.user_id == User.id)
    return (select(User.id, User.email).join(ContactPreference, ContactPreference.user_id == User.id)
            .where(ContactPreference.email_news.is_(True), User.email_verified_at.is_not(None),
                   User.is_active.is_(True), ~queued))


def audience_left(promotion_id):
    """Members who opted in and have not had this promotion queued yet."""
    return db.session.execute(select(func.count()).select_from(_not_yet_queued(promotion_id).subquery())).scalar_one()


def _pending(promotion_id):
    return db.session.execute(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.promotion_id == promotion_id, OutboxMessage.status == "pending")).scalar_one()


def queue_next_batch(promotion_id, batch_size):
    """Queue up to `batch_size` more recipients (consent read now); returns their outbox ids. Marks the
    promotion done when everyone has been queued and nothing is left pending. Commits."""
    promotion = get_promotion(promotion_id)
    if promotion.status != "sending":
        return []
    recipients = db.session.execute(_not_yet_queued(promotion.id).order_by(User.id).limit(batch_size)).all()
    if not recipients:
        if _pending(promotion.id) == 0:
            promotion.status, promotion.finished_at = "done", utcnow()
            db.session.commit()
        return []
    products = products_on_sale(promotion.skus)
    rows = [_queue_to(promotion, user_id, email, PROMOTION, products) for user_id, email in recipients]
    try:
        db.session.commit()
    except IntegrityError:  # another worker queued some of them at the same moment: it has them
        db.session.rollback()
        return []
    return [row.id for row in rows]


def queue_due_batches(batch_size):
    """For the delivery command: the next batch of each promotion being sent whose previous batch has
    left the outbox (so batches go one after another, and each reads consent afresh). Returns how many."""
    ids = db.session.execute(select(Promotion.id).where(Promotion.status == "sending")).scalars().all()
    return sum(len(queue_next_batch(promotion_id, batch_size)) for promotion_id in ids
               if _pending(promotion_id) == 0)


def promotion_counts(promotion_id):
    """{queued, pending, sent, failed, skipped, unsubscribed, waiting} for the admin's progress table."""
    by_status = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.promotion_id == promotion_id)
        .group_by(OutboxMessage.status)).all())
    unsubscribed = db.session.execute(select(func.count()).select_from(ConsentEvent).where(
        ConsentEvent.source == unsubscribe_source(promotion_id), ConsentEvent.granted.is_(False))).scalar_one()
    counts = {status: by_status.get(status, 0) for status in ("pending", "sent", "failed", "skipped")}
    promotion = get_promotion(promotion_id)
    waiting = audience_left(promotion_id) if promotion.status != "done" else 0
    return {"queued": sum(by_status.values()), **counts, "unsubscribed": unsubscribed, "waiting": waiting}


def unsubscribe_source(promotion_id):
    return f"unsubscribe:{promotion_id}"
