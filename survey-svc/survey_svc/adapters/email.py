"""Invitation and reminder emails from Jinja2 templates, one set per language."""
from datetime import datetime, timezone
from email import charset
from email.policy import compat32
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr
from importlib.resources import files

from cryptography.hazmat.primitives import serialization
from jinja2 import Environment, FileSystemLoader, select_autoescape

from chassis.tokens import sign_token
from survey_svc.domain.model import Invitation

RATINGS = ((1, "Very dissatisfied"), (2, "Dissatisfied"), (3, "Neither satisfied nor dissatisfied"),
           (4, "Satisfied"), (5, "Very satisfied"))
TEMPLATES = files("survey_svc") / "templates"
# Base64 bodies: short lines for every mail server, and encoded in C (quoted-printable
# is pure Python and was a tenth of the cost of a mail).
_UTF8 = charset.Charset("utf-8")
_UTF8.body_encoding = charset.BASE64
# Header lines up to RFC 5322's limit: a folded List-Unsubscribe would start with a space.
_POLICY = compat32.clone(max_line_length=998)


def languages() -> set[str]:
    return {p.name for p in TEMPLATES.iterdir() if p.is_dir()}


class EmailRenderer:
    def __init__(self, *, public_survey_url: str, signing_key: str, mail_from: str,
                 reply_domain: str):
        self.base = public_survey_url.rstrip("/")
        # Parsed once: PyJWT accepts the key object, and parsing PEM per mail is costly.
        self.signing_key = serialization.load_pem_private_key(signing_key.encode(), None)
        self.mail_from, self.reply_domain = mail_from, reply_domain
        self.mail_domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
        self.languages = languages()
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                               autoescape=select_autoescape(["html"]),
                               trim_blocks=True, lstrip_blocks=True)

    def token(self, inv: Invitation) -> str:
        # iat is when the token was really signed (verifiers reject a future iat); the
        # expiry is the invitation's, whatever the clock.
        t, now = inv.ticket, datetime.now(timezone.utc)
        claims = {"inv": inv.id, "tkt": t.ticket_id, "res": t.resolution, "dir": t.directorate,
                  "svc": t.service, "cat": t.category, "team": t.team, "ch": t.channel,
                  "lang": t.language}
        return sign_token(self.signing_key, claims, ttl=inv.expires_at - now, now=now)

    def render(self, inv: Invitation, kind: str) -> Message:
        lang = inv.ticket.language if inv.ticket.language in self.languages else "en"
        token = self.token(inv)
        unsubscribe = f"{self.base}/s/{token}/unsubscribe"
        context = {"inv": inv, "ticket": inv.ticket, "reminder": kind == "reminder",
                   "lang": lang, "unsubscribe_url": unsubscribe,
                   "links": [(score, label, f"{self.base}/s/{token}?score={score}")
                             for score, label in RATINGS]}
        render = lambda name: self.env.get_template(f"{lang}/{name}").render(context)  # noqa: E731
        # compat32 MIME classes: several times cheaper than EmailMessage's header parsing,
        # and they leave a long List-Unsubscribe URL unencoded.
        msg = MIMEMultipart("alternative", policy=_POLICY)
        headers = {
            "Subject": " ".join(render("subject.txt").split()),
            "From": self.mail_from,
            "To": formataddr((inv.ticket.requester_name or "", inv.ticket.requester_email)),
            "Reply-To": f"survey+{inv.id}@{self.reply_domain}",
            "Message-ID": f"<{inv.id}.{kind}@{self.mail_domain}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Auto-Response-Suppress": "OOF, AutoReply",
            "Content-Language": lang,
        }
        for name, value in headers.items():
            msg[name] = value
        msg.attach(MIMEText(render("body.txt"), "plain", _UTF8))
        msg.attach(MIMEText(render("body.html"), "html", _UTF8))
        return msg
