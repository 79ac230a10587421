"""Notifiers: how an alert leaves the machine — webhook (signed JSON POST), email (SMTP), log.

Each notifier's `send(alert, attempts=None)` either returns (delivered) or raises
`DeliveryError` after its own retries with exponential back-off; the engine then keeps the
alert as undelivered and tries again later (`engine.deliver_pending`).

Webhook bodies are JSON (sorted keys, UTF-8) and signed with HMAC-SHA256 over the raw body:
`X-Agorascope-Signature: sha256=<hex>`; a receiver checks it with `verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

import httpx

from agorascope.alerts.rules import NotifierSpec
from agorascope.errors import AgorascopeError

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Agorascope-Signature"


class DeliveryError(AgorascopeError):
    """A notifier could not deliver an alert (after its retries)."""


class Notifier(Protocol):
    name: str

    def send(self, alert: dict[str, Any], *, attempts: int | None = None) -> None: ...


def body_of(alert: dict[str, Any]) -> bytes:
    return json.dumps(alert, sort_keys=True, ensure_ascii=False, default=str).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """True when `header` is the HMAC-SHA256 signature of `body` with `secret` (constant time)."""
    return bool(header) and hmac.compare_digest(sign(secret, body), str(header))


def summary_line(alert: dict[str, Any]) -> str:
    z = alert.get("z_score")
    zs = f"z={z:.1f}" if isinstance(z, (int, float)) else "z=n/a"
    return (f"[{alert.get('rule')}] {alert.get('kind')} '{alert.get('key')}' rising: {alert.get('observed')} posts "
            f"vs baseline {alert.get('baseline')} ({zs}, {alert.get('distinct_authors')} authors) "
            f"in {alert.get('resolution')} bucket {alert.get('bucket')}")


@dataclass
class LogNotifier:
    """Writes one WARNING line per alert to the `agorascope.alerts` logger."""

    name: str = "log"

    def send(self, alert: dict[str, Any], *, attempts: int | None = None) -> None:
        logging.getLogger("agorascope.alerts").warning("%s", summary_line(alert))


@dataclass
class WebhookNotifier:
    """JSON POST, HMAC-signed, retried with exponential back-off on network errors and 5xx/408/429."""

    name: str
    url: str
    secret: str | None = None
    timeout_s: float = 5.0
    retries: int = 3
    backoff_s: float = 0.5
    headers: dict[str, str] = field(default_factory=dict)
    transport: httpx.BaseTransport | None = None

    def send(self, alert: dict[str, Any], *, attempts: int | None = None) -> None:
        body = body_of(alert)
        headers = {"Content-Type": "application/json", "User-Agent": "agorascope-alerts", **self.headers}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, body)
        n = max(1, attempts if attempts is not None else self.retries + 1)
        last = ""
        with httpx.Client(timeout=self.timeout_s, transport=self.transport) as client:
            for k in range(n):
                try:
                    r = client.post(self.url, content=body, headers=headers)
                except httpx.HTTPError as exc:
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    if 200 <= r.status_code < 300:
                        return
                    last = f"HTTP {r.status_code}"
                    if 400 <= r.status_code < 500 and r.status_code not in (408, 429):
                        break  # the receiver refuses this request; retrying will not help
                if k < n - 1:
                    time.sleep(self.backoff_s * (2 ** k))
        raise DeliveryError(f"webhook {self.name}: {last} after {k + 1} attempt(s)")


@dataclass
class EmailNotifier:
    """Plain-text email over SMTP (optionally STARTTLS and login), retried with back-off."""

    name: str
    host: str
    to: list[str]
    sender: str = "agorascope@localhost"
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout_s: float = 10.0
    retries: int = 2
    backoff_s: float = 1.0

    def message(self, alert: dict[str, Any]) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = f"[agorascope] {alert.get('rule')}: {alert.get('kind')} '{alert.get('key')}' rising"
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.to)
        lines = [summary_line(alert), "", "Evidence:"]
        for k in ("observed", "baseline", "z_score", "growth", "distinct_authors", "bucket_posts", "bucket",
                  "resolution", "fired_at"):
            lines.append(f"  {k}: {alert.get(k)}")
        if alert.get("example_post_ids"):
            lines.append("  example posts: " + ", ".join(alert["example_post_ids"]))
        msg.set_content("\n".join(lines) + "\n")
        return msg

    def send(self, alert: dict[str, Any], *, attempts: int | None = None) -> None:
        msg = self.message(alert)
        n = max(1, attempts if attempts is not None else self.retries + 1)
        last = ""
        for k in range(n):
            try:
                with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                    if self.starttls:
                        smtp.starttls()
                    if self.username:
                        smtp.login(self.username, self.password or "")
                    smtp.send_message(msg)
                return
            except (OSError, smtplib.SMTPException) as exc:
                last = f"{type(exc).__name__}: {exc}"
            if k < n - 1:
                time.sleep(self.backoff_s * (2 ** k))
        raise DeliveryError(f"email {self.name}: {last} after {n} attempt(s)")


def build(spec: NotifierSpec) -> Notifier:
    """A notifier from its spec (options as in the rule file)."""
    o = dict(spec.options)
    if spec.type == "log":
        return LogNotifier(spec.name)
    if spec.type == "webhook":
        return WebhookNotifier(spec.name, url=o["url"], secret=o.get("secret"),
                               timeout_s=float(o.get("timeout_s", 5.0)), retries=int(o.get("retries", 3)),
                               backoff_s=float(o.get("backoff_s", 0.5)), headers=dict(o.get("headers") or {}))
    to = o["to"] if isinstance(o["to"], list) else [t.strip() for t in str(o["to"]).split(",")]
    return EmailNotifier(spec.name, host=o["host"], to=to, sender=o.get("sender", "agorascope@localhost"),
                         port=int(o.get("port", 25)), starttls=bool(o.get("starttls", False)),
                         username=o.get("username"), password=o.get("password"),
                         timeout_s=float(o.get("timeout_s", 10.0)), retries=int(o.get("retries", 2)),
                         backoff_s=float(o.get("backoff_s", 1.0)))
