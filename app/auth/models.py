"""Accounts: users and their saved addresses."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import TimestampMixin
from app.extensions import db


def new_session_token():
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)  # normalised: lower, stripped
    name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # False once an admin deactivates the account: login is refused and the user loader drops its sessions.
    # (It replaces flask_login.UserMixin's always-True is_active, which login_user also checks.)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=sa_true())
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the login cookie's identity: rotating it (logout, password change) ends every other session.
    session_token: Mapped[str] = mapped_column(String(64), nullable=False, default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    addresses: Mapped[list["Address"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Address.id"
    )

    def get_id(self):
        # Flask-Login stores this in the session and the remember cookie; see auth.services.load_user.
        return f"{self.id}:{self.session_token}"

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


class Address(TimestampMixin, db.Model):
    __tablename__ = "addresses"
    __table_args__ = (
        # At most one default address per user, enforced by the database (a partial unique index,
        # which SQLite and PostgreSQL both support).
        Index("uq_addresses_one_default_per_user", "user_id", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    line1: Mapped[str] = mapped_column(String(200), nullable=False)
    line2: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(100), nullable=False)
    region: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    postcode: Mapped[str] = mapped_column(String(20), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False)  # ISO 3166-1 alpha-2
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    user: Mapped[User] = relationship(back_populates="addresses")
