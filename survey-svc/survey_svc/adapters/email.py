"""Invitation and reminder emails from Jinja2 templates, one set per language."""
import base64
import secrets
from datetime import datetime, timezone
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import formataddr, formatdate, parseaddr
from importlib.resources import files

from cryptography.hazmat.primitives import serialization
from jinja2 import Environment, FileSystemLoader, select_autoescape

from chassis.tokens import sign_token
from survey_svc.domain.model import Invitation

RATINGS = ((1, "Very dissatisfied"), (2, "Dissatisfied"), (3, "Neither satisfied nor dissatisfied"),
           (4, "Satisfied"), (5, "Very satisfied"))
TEMPLATES = files("survey_svc") / "templates"


class _Unfolded(Compat32):
    """compat32 writing plain one-line ASCII headers as they are.

    `_header` has already encoded any other value, and all of ours are far below RFC 5322's
    998 characters; compat32's folding of every header was a third of the cost of sending.
    """

    def fold(self, name, value):
        if isinstance(value, str) and _plain(value):
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if isinstance(value, str) and _plain(value):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_POLICY = _Unfolded(max_line_length=998)


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
        # Templates ship with the package: no stat() per mail to see if they changed.
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                               autoescape=select_autoescape(["html"]), auto_reload=False,
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
        # "_" is not in the base64 alphabet, so no part can contain this boundary: the
        # generator's own pick would compile a regex per mail to check that.
        msg = MIMEMultipart("alternative", boundary=f"=_{secrets.token_hex(12)}", policy=_POLICY)
        headers = {
            "Subject": " ".join(render("subject.txt").split()),
            "From": self.mail_from,
            "To": formataddr((" ".join((inv.ticket.requester_name or "").split()),
                              inv.ticket.requester_email)),
            "Reply-To": f"survey+{inv.id}@{self.reply_domain}",
            "Message-ID": f"<{inv.id}.{kind}@{self.mail_domain}>",
            "Date": formatdate(usegmt=True),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Auto-Response-Suppress": "OOF, AutoReply",
            "Content-Language": lang,
        }
        for name, value in headers.items():
            msg[name] = _header(name, value)
        msg.attach(_part(render("body.txt"), "plain"))
        msg.attach(_part(render("body.html"), "html"))
        return msg


def _header(name: str, value: str):
    """Plain ASCII as is; anything else RFC 2047-encoded (never a raw line break)."""
    return value if _plain(value) else Header(value, "utf-8", header_name=name).encode()


def _plain(value: str) -> bool:
    return value.isascii() and "\n" not in value and "\r" not in value


def _part(text: str, subtype: str) -> MIMENonMultipart:
    """A base64 part: short lines for every mail server, encoded in one C call."""
    part = MIMENonMultipart("text", subtype, charset="utf-8", policy=_POLICY)
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.encodebytes(text.encode()).decode("ascii"))
    return part
