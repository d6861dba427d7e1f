"""Imports every domain's tables, so SQLAlchemy and Alembic see the whole schema."""
from app.admin.models import AdminAction  # noqa: F401
from app.analytics.models import DailyMetric, Event, ForwardedEvent  # noqa: F401
from app.auth.models import Address, User  # noqa: F401
from app.cart.models import Cart, CartLine  # noqa: F401
from app.catalog.models import Category, Product, ProductChange, ProductImage  # noqa: F401
from app.mail.models import OutboxMessage  # noqa: F401
from app.notifications.models import ConsentEvent, ContactPreference, OrderSmsConsent, Promotion  # noqa: F401
from app.orders.models import Order, OrderEvent, OrderLine  # noqa: F401
from app.payments.models import Payment  # noqa: F401
