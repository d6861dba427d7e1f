"""Password hashing: today's scrypt parameters, and an unknown email costing what a wrong password costs."""
import subprocess
import sys
import textwrap
from pathlib import Path

from app.auth import passwords
from app.auth.passwords import METHOD, hash_password, needs_rehash, verify_password

ROOT = Path(__file__).resolve().parents[2]


def test_hashes_use_todays_parameters():
    password_hash = hash_password("a fine password")
    assert password_hash.startswith(METHOD + "$") and not needs_rehash(password_hash)
    assert verify_password(password_hash, "a fine password") and not verify_password(password_hash, "another")


def test_the_dummy_hash_costs_what_a_real_one_costs():
    assert not needs_rehash(passwords.DUMMY_HASH)  # same parameters, so the same time to check
    assert not verify_password(passwords.DUMMY_HASH, "not a real password")


def test_the_first_unknown_email_after_a_start_costs_one_scrypt(migrated, tmp_path):
    """The probe: the dummy hash was made at the first unknown-email login, so that login paid two
    scrypts (2-3x slower than a wrong password). Counted in a fresh process: the first after a start."""
    script = textwrap.dedent("""
        import hashlib, sys
        from app import create_app
        from tests.conftest import make_test_config

        app = create_app(make_test_config(sys.argv[1], sys.argv[2]))
        client = app.test_client()
        scrypt, calls = hashlib.scrypt, []
        hashlib.scrypt = lambda *args, **kwargs: calls.append(1) or scrypt(*args, **kwargs)
        response = client.post("/login", data={"email": "nobody@example.com", "password": "some password"})
        print(response.status_code, len(calls))
    """)
    result = subprocess.run([sys.executable, "-c", script, migrated, str(tmp_path / "index")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["422", "1"]
