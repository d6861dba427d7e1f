"""The SMS channel: one interface (`send(to, body, reference)`), two providers.

- FileSmsProvider, when no provider is configured: one text file per message under instance/sms/ (the same
  name on a retry) and a log line, like the mail files.
- TwilioSmsProvider: Twilio's REST API, POST {base}/2010-04-01/Accounts/{SID}/Messages.json with HTTP basic
  auth (account SID, auth token) and the form fields To, From (or MessagingServiceSid) and Body.

Answers are sorted the way Twilio documents them: 2xx sent; 429 and 5xx (and no answer at all) are
temporary, the outbox retries with backoff; any other 4xx means the message as it is will never be
accepted (a bad number, an unverified sender), so it raises PermanentFailure and is not retried.
"""
import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from flask import current_app

from app.mail.channels import PermanentFailure

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The provider could not take the message now; try again later."""


class FileSmsProvider:
    def __init__(self, folder):
        self.folder = Path(folder)

    def send(self, to, body, reference):
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{reference}.txt"
        path.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        log.warning("sms to %s written to %s: %s", to, path, body)


class TwilioSmsProvider:
    def __init__(self, account_sid, auth_token, *, from_number="", messaging_service_sid="",
                 base_url="https://api.twilio.com", timeout=10):
        if not (from_number or messaging_service_sid):
            raise ValueError("Twilio needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID")
        self.account_sid, self.auth_token = account_sid, auth_token
        self.from_number, self.messaging_service_sid = from_number, messaging_service_sid
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    @property
    def url(self):
        return f"{self.base_url}/2010-04-01/Accounts/{urllib.parse.quote(self.account_sid)}/Messages.json"

    def send(self, to, body, reference):
        fields = {"To": to, "Body": body}
        if self.messaging_service_sid:
            fields["MessagingServiceSid"] = self.messaging_service_sid
        else:
            fields["From"] = self.from_number
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(fields).encode(), method="POST",
            headers={"Authorization": f"Basic {credentials}",
                     "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = _json(response.read())
        except urllib.error.HTTPError as error:
            detail = _json(error.read())
            text = f"HTTP {error.code}: {detail.get('message') or error.reason} (code {detail.get('code', '-')})"
            if error.code == 429 or error.code >= 500:
                raise TemporaryFailure(text) from None
            raise PermanentFailure(text) from None
        except OSError as error:  # refused, reset, timed out: the message may or may not have gone
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from None
        log.info("sms %s to %s accepted by Twilio as %s", reference, to, answer.get("sid", "?"))


def _json(raw):
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def provider_from_config(config, instance_path):
    if config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN"):
        return TwilioSmsProvider(
            config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], from_number=config.get("TWILIO_FROM") or "",
            messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID") or "",
            base_url=config.get("TWILIO_BASE_URL") or "https://api.twilio.com", timeout=config["SMS_TIMEOUT"])
    return FileSmsProvider(config.get("SMS_FILE_DIR") or Path(instance_path) / "sms")


def send_sms(message):
    """The outbox's sender for channel "sms" (registered in app.notifications.setup)."""
    provider = provider_from_config(current_app.config, current_app.instance_path)
    provider.send(message.recipient, message.body_text, f"{message.id:06d}")
