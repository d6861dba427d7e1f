"""`python -m bench.login_timing [--tries 20]`: does a failed login take as long for an unknown email
as for a known email with the wrong password? (If not, timing reveals which emails have accounts.)

Posts the login form through the app (test client, CSRF off, rate limits off) on a throwaway SQLite
database, alternating the two kinds of failure so machine noise hits both alike, and prints median and
p95 of each. A successful login is timed too, as the reference: all three pay one scrypt check.
"""
import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.stats import summary


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.login_timing", description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per request

    from flask_migrate import upgrade

    from app import create_app
    from app.auth.services import create_admin

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'shop.db'}", "TESTING": True,
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            create_admin("known@example.com", "the right password 42")
        kinds = {
            "unknown email": ("nobody@example.com", "the right password 42"),
            "wrong password": ("known@example.com", "a wrong password 42"),
            "success (reference)": ("known@example.com", "the right password 42"),
        }
        times = {kind: [] for kind in kinds}
        for _ in range(args.tries):
            for kind, (email, password) in kinds.items():
                client = app.test_client()
                started = time.perf_counter()
                response = client.post("/login", data={"email": email, "password": password})
                times[kind].append(time.perf_counter() - started)
                expected = 303 if kind.startswith("success") else 422
                assert response.status_code == expected, (kind, response.status_code)
    print(f"# login timing, {args.tries} tries each, load {os.getloadavg()[0]:.2f}")
    for kind, values in times.items():
        print(f"  {kind:<20} {summary(values)}")


if __name__ == "__main__":
    main()
