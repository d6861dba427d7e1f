"""`python -m bench.account_timing [--tries 30] [--flows "forgot password" ...]`: do the account forms take as long for an address that has
an account as for one that has none? (If not, timing tells who is a customer.)

The app is served over real HTTP (werkzeug's threaded server, in this process) on a throwaway SQLite
database, with a real SMTP server on loopback (aiosmtpd) receiving the mail. Each pair of kinds is posted
alternately, so machine noise hits both alike, on a fresh connection each, the way a prober would:

  forgot password   a known address          vs an unknown address
  register          a taken address          vs a new address
  change email      to a taken address       vs to a free address   (signed in)

The order of the kinds is shuffled in every round, with a short pause between requests. Two times per
request: `answer`, from sending the request to the last byte of the answer (what a prober
sees), and `+ next`, until a second request on the same keep-alive connection has been answered too, so
it includes whatever the server did for the first after answering it (sending the mail). For each pair it
prints median, p95 and the interquartile range, and whether the medians differ by less than the smaller
spread. `GET /password/forgot/sent` (a page with no form work) is timed alongside as the reference.
CSRF and rate limits are off; nothing here sends mail anywhere but to the loopback server.
"""
import argparse
import http.client
import logging
import os
import random
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.stats import percentile, summary

PASSWORD = "the right password 42"
FLOWS = ["forgot password", "register", "change email"]
SETTLE = 0.02  # seconds between requests, so the mail server's tail of one never lands in the next


class MailSink:
    """An aiosmtpd server on a free loopback port that only counts what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:  # aiosmtpd needs the port up front
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"

    def start(self):
        self.controller.start()
        return self.port


class Shop:
    """The app on a loopback port; `post` and `get` time one request on a fresh connection."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def timed(self, method, path, form=None, cookie=None):
        """(status, seconds to the answer, seconds to the answer of a follow-up on the same connection)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        if cookie:
            headers["Cookie"] = cookie
        started = time.perf_counter()
        connection.request(method, path, body=urlencode(form) if form is not None else None, headers=headers)
        response = connection.getresponse()
        response.read()
        answered = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        finished = time.perf_counter()
        connection.close()
        return response.status, answered - started, finished - started, response

    def stop(self):
        self.server.shutdown()


def log_in(shop, email):
    status, _answer, _next, response = shop.timed("POST", "/login", {"email": email, "password": PASSWORD})
    assert status == 303, status
    return "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie"))


def pairs(shop, signed_in_cookie):
    """{flow: (request for the account kind, request for the no-account kind)}; each request is a
    function of the try number returning (method, path, form, cookie)."""
    return {
        "forgot password": (
            lambda n: ("POST", "/password/forgot", {"email": "known@example.com"}, None),
            lambda n: ("POST", "/password/forgot", {"email": f"nobody{n}@example.com"}, None)),
        "register": (
            lambda n: ("POST", "/register", {"name": "Sam", "email": "known@example.com", "password": PASSWORD,
                                            "confirm": PASSWORD}, None),
            lambda n: ("POST", "/register", {"name": "Sam", "email": f"new{n}@example.com", "password": PASSWORD,
                                            "confirm": PASSWORD}, None)),
        "change email": (
            lambda n: ("POST", "/account/email", {"email": "known@example.com", "current_password": PASSWORD},
                       signed_in_cookie),
            lambda n: ("POST", "/account/email", {"email": f"free{n}@example.com", "current_password": PASSWORD},
                       signed_in_cookie)),
    }


def spread(values):
    """The interquartile range: how far apart the middle half of the runs lie."""
    return percentile(values, 75) - percentile(values, 25)


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.account_timing", description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=30)
    parser.add_argument("--flows", nargs="+", choices=FLOWS, default=FLOWS, help="which forms (default: all three)")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per request

    from flask_migrate import upgrade

    from app import create_app
    from app.auth.services import create_admin

    sink = MailSink()
    smtp_port = sink.start()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'shop.db'}", "TESTING": True,
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "SEARCH_INDEX_DIR": str(Path(tmp) / "index"),
        })
        with app.app_context():
            upgrade()
            create_admin("known@example.com", PASSWORD)
            create_admin("signed-in@example.com", PASSWORD)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
        shop = Shop(app)
        app.config["SHOP_BASE_URL"] = f"http://127.0.0.1:{shop.port}"
        cookie = log_in(shop, "signed-in@example.com")
        results, order = {}, random.Random(9)
        for flow, (known, unknown) in pairs(shop, cookie).items():
            if flow not in args.flows:
                continue
            times = {"account": ([], []), "no account": ([], []), "reference": ([], [])}
            kinds = [("account", known), ("no account", unknown),
                     ("reference", lambda n: ("GET", "/password/forgot/sent", None, None))]
            for n in range(-1, args.tries):  # try -1 warms up (templates compiled, first scrypt) untimed
                order.shuffle(kinds)  # no kind always follows the mail of another
                for kind, request in kinds:
                    status, answer, then_next, _response = shop.timed(*request(n))
                    assert status in (200, 303), (flow, kind, status)
                    if n >= 0:
                        times[kind][0].append(answer)
                        times[kind][1].append(then_next)
                    time.sleep(SETTLE)
            results[flow] = times
        shop.stop()
        sink.controller.stop()

    print(f"# account form timing over HTTP, {args.tries} tries each, load {os.getloadavg()[0]:.2f}, "
          f"{sink.received} mails received")
    for flow, times in results.items():
        print(f"{flow}")
        for kind, (answers, then_next) in times.items():
            print(f"  {kind:<11} answer {summary(answers)}   iqr {spread(answers) * 1000:6.1f} ms"
                  f"   + next {summary(then_next)}")
        for which, label in ((0, "answer"), (1, "+ next")):
            a, b = times["account"][which], times["no account"][which]
            gap = abs(statistics.median(a) - statistics.median(b))
            smaller = min(spread(a), spread(b))
            verdict = "holds" if gap < smaller else "DOES NOT HOLD"
            print(f"  {label}: medians differ by {gap * 1000:.2f} ms, smaller spread {smaller * 1000:.2f} ms: {verdict}")


if __name__ == "__main__":
    main()
