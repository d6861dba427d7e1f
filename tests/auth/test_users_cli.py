from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import verify_password


def test_create_admin(runner, db):
    result = runner.invoke(args=["users", "create-admin", "Boss@Example.com ", "--password", "correct horse"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "boss@example.com" and user.is_admin
    assert user.password_hash.startswith("scrypt:131072:8:1$")
    assert verify_password(user.password_hash, "correct horse")


def test_create_admin_prompts_for_password(runner, db):
    result = runner.invoke(args=["users", "create-admin", "a@example.com"], input="long enough\nlong enough\n")
    assert result.exit_code == 0, result.output
    assert verify_password(db.session.execute(select(User)).scalar_one().password_hash, "long enough")


def test_create_admin_promotes_existing(runner, db):
    runner.invoke(args=["users", "create-admin", "a@example.com", "--password", "first password"])
    runner.invoke(args=["users", "create-admin", "a@example.com", "--password", "second password"])
    users = db.session.execute(select(User)).scalars().all()
    assert len(users) == 1 and verify_password(users[0].password_hash, "second password")


def test_create_admin_bad_arguments(runner, db):
    result = runner.invoke(args=["users", "create-admin", "not-an-email", "--password", "long enough"])
    assert result.exit_code != 0 and "invalid email address" in result.output
    result = runner.invoke(args=["users", "create-admin", "a@example.com", "--password", "short"])
    assert result.exit_code != 0 and "at least 8" in result.output
    assert db.session.execute(select(User)).first() is None
