"""A stand-in for Twilio's Messages API on a loopback port (a real HTTP server in a thread of the test).

It checks what Twilio checks (HTTP basic auth with the account SID and token, the account in the path, the
form fields To, Body and From or MessagingServiceSid) and answers as Twilio does: 201 with a message SID,
or the status a test puts in `answers` (400 for a bad number, 429 too many requests, 503 an outage).
stop()/start() take it down and bring it back on the same port. `accepted` lists the messages it took.
"""
import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.conftest import free_port

SID, TOKEN, FROM = "AC" + "0" * 32, "secret-token", "+15005550006"


class TwilioStandIn:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.answers = []  # statuses to give before answering 201 again, first first
        self.requests, self.accepted = [], []
        self.server = self.thread = None
        self.config = {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_FROM": FROM,
                       "TWILIO_BASE_URL": self.url, "SMS_TIMEOUT": 5}

    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                status, answer = standin.answer(self.path, self.headers.get("Authorization", ""), parse_qs(body))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def answer(self, path, authorization, form):
        fields = {name: values[0] for name, values in form.items()}
        self.requests.append({"path": path, "authorization": authorization, "fields": fields})
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if authorization != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        if not fields.get("To") or not fields.get("Body") or not (fields.get("From") or fields.get("MessagingServiceSid")):
            return 400, {"code": 21604, "message": "A required parameter is missing", "status": 400}
        if self.answers:
            status = self.answers.pop(0)
            return status, {"code": {400: 21211, 429: 20429}.get(status, 20500), "message": f"stand-in says {status}",
                            "status": status}
        self.accepted.append(fields)
        return 201, {"sid": f"SM{len(self.accepted):032d}", "status": "queued", "to": fields["To"],
                     "body": fields["Body"]}

    def wait_for(self, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while len(self.accepted) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.accepted) >= count, f"expected {count} texts, got {len(self.accepted)}"
        return self.accepted
