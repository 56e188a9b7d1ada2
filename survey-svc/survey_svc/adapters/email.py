"""Invitation and reminder emails from Jinja2 templates, one set per language."""
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, parseaddr
from importlib.resources import files

from jinja2 import Environment, FileSystemLoader, select_autoescape

from chassis.tokens import sign_token
from survey_svc.domain.model import Invitation

RATINGS = ((1, "Very dissatisfied"), (2, "Dissatisfied"), (3, "Neither satisfied nor dissatisfied"),
           (4, "Satisfied"), (5, "Very satisfied"))
TEMPLATES = files("survey_svc") / "templates"
# Unfolded headers: a long List-Unsubscribe URL must not become RFC 2047 encoded words.
POLICY = SMTP.clone(max_line_length=998)


def languages() -> set[str]:
    return {p.name for p in TEMPLATES.iterdir() if p.is_dir()}


class EmailRenderer:
    def __init__(self, *, public_survey_url: str, signing_key: str, mail_from: str,
                 reply_domain: str):
        self.base = public_survey_url.rstrip("/")
        self.signing_key = signing_key
        self.mail_from, self.reply_domain = mail_from, reply_domain
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

    def render(self, inv: Invitation, kind: str) -> EmailMessage:
        lang = inv.ticket.language if inv.ticket.language in self.languages else "en"
        token = self.token(inv)
        unsubscribe = f"{self.base}/s/{token}/unsubscribe"
        context = {"inv": inv, "ticket": inv.ticket, "reminder": kind == "reminder",
                   "lang": lang, "unsubscribe_url": unsubscribe,
                   "links": [(score, label, f"{self.base}/s/{token}?score={score}")
                             for score, label in RATINGS]}
        render = lambda name: self.env.get_template(f"{lang}/{name}").render(context)  # noqa: E731
        msg = EmailMessage(policy=POLICY)
        msg["Subject"] = " ".join(render("subject.txt").split())
        msg["From"] = self.mail_from
        msg["To"] = formataddr((inv.ticket.requester_name or "", inv.ticket.requester_email))
        msg["Reply-To"] = str(Address(addr_spec=f"survey+{inv.id}@{self.reply_domain}"))
        msg["Message-ID"] = f"<{inv.id}.{kind}@{parseaddr(self.mail_from)[1].split('@')[-1]}>"
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg["X-Auto-Response-Suppress"] = "OOF, AutoReply"
        msg["Content-Language"] = lang
        msg.set_content(render("body.txt"), cte="quoted-printable")
        msg.add_alternative(render("body.html"), subtype="html", cte="quoted-printable")
        return msg
