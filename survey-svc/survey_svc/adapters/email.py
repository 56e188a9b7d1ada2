"""Invitation and reminder emails from Jinja2 templates, one set per language."""
import re
from datetime import datetime, timezone
from email.utils import formatdate, parseaddr
from importlib.resources import files

from cryptography.hazmat.primitives import serialization
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from chassis.auth import reply_tag
from chassis.branding import Branding, load_branding
from chassis.mail import Mail, PermanentMailError
from chassis.privacy.retention import Period, RetentionSettings
from chassis.privacy.wording import kept_for as period_in_words
from chassis.tokens import sign_token
from survey_svc.adapters import mime
from survey_svc.domain.model import Invitation

TEMPLATES = files("survey_svc") / "templates"
PARTS = ("subject.txt", "body.txt", "body.html")
# A bare addr-spec: nothing that could smuggle a second address or an SMTP command.
_ADDRESS = re.compile(r'[^\s<>()\[\]\\,;:"@]+@[^\s<>()\[\]\\,;:"@]+')


def languages() -> set[str]:
    return {p.name for p in TEMPLATES.iterdir() if p.is_dir()}


class EmailRenderer:
    def __init__(self, *, public_survey_url: str, signing_key: str, mail_from: str,
                 reply_domain: str, reply_tag_key: str, kept_for: Period | None = None,
                 branding: Branding | None = None):
        self.base = public_survey_url.rstrip("/")
        # Parsed once: PyJWT accepts the key object, and parsing PEM per mail is costly.
        self.signing_key = serialization.load_pem_private_key(signing_key.encode(), None)
        from_name, self.sender = parseaddr(mail_from)
        self.mail_from = mime.mailbox(from_name, self.sender)
        self.reply_domain, self.reply_tag_key = reply_domain, reply_tag_key
        self.mail_domain = self.sender.rpartition("@")[2] or "localhost"
        # Read here, at start-up: a colour pair below AA contrast stops the service.
        self.branding = branding or load_branding()
        # Templates ship with the package (compiled once, no stat() per mail); the organisation's
        # own, in <templates_dir>/email/<lang>/, come first.
        loaders = [FileSystemLoader(str(TEMPLATES))]
        if self.branding.templates_dir:
            loaders.insert(0, FileSystemLoader(f"{self.branding.templates_dir}/email"))
        env = Environment(loader=ChoiceLoader(loaders),
                          autoescape=select_autoescape(["html"]), auto_reload=False,
                          trim_blocks=True, lstrip_blocks=True)
        self.templates = {lang: [env.get_template(f"{lang}/{part}") for part in PARTS]
                          for lang in languages()}
        # Each set names the five answers in its own words (ratings.j2), scores 1 to 5.
        self.ratings = {lang: tuple(enumerate(env.get_template(f"{lang}/ratings.j2").module
                                              .ratings, start=1)) for lang in self.templates}
        # The privacy promise, in each language's words, from the retention settings themselves.
        kept = kept_for or RetentionSettings().longest_personal_period
        self.kept_for = {lang: period_in_words(kept, lang) for lang in self.templates}

    def token(self, inv: Invitation, test: bool = False) -> str:
        # iat is when the token was really signed (verifiers reject a future iat); the
        # expiry is the invitation's, whatever the clock.
        t, now = inv.ticket, datetime.now(timezone.utc)
        claims = {"inv": inv.id, "tkt": t.ticket_id, "res": t.resolution, "dir": t.directorate,
                  "svc": t.service, "cat": t.category, "team": t.team, "ch": t.channel,
                  "lang": t.language}
        if t.organisation:  # ingest-svc brands the page with it (#17); absent as before when none
            claims["org"] = t.organisation
        if test:
            claims["test"] = True  # ingest-svc shows the page but records nothing for it
        return sign_token(self.signing_key, claims, ttl=inv.expires_at - now, now=now)

    def reply_address(self, inv: Invitation) -> str:
        """`survey+<invitation id>.<tag>@REPLY_DOMAIN`: ingest-svc accepts a reply only with the
        tag it can recompute from REPLY_TAG_KEY, so an invitation id alone cannot answer."""
        return f"survey+{inv.id}.{reply_tag(self.reply_tag_key, inv.id)}@{self.reply_domain}"

    def parts(self, inv: Invitation, kind: str, test: bool = False) -> dict:
        """Subject, text and HTML of the mail, its language and its survey link."""
        lang = inv.ticket.language if inv.ticket.language in self.templates else "en"
        subject, text, html = self.templates[lang]
        token = self.token(inv, test)
        unsubscribe = f"{self.base}/s/{token}/unsubscribe"
        # The ticket's organisation's branding ([organisations.<id>]), the top level otherwise.
        org = inv.ticket.organisation
        brand = self.branding.for_organisation(org)
        logo = f"{self.base}/s/brand/logo" + (f"?org={org}" if org in self.branding.organisations
                                               else "")
        context = {"inv": inv, "ticket": inv.ticket, "reminder": kind == "reminder", "test": test,
                   "lang": lang, "unsubscribe_url": unsubscribe, "kept_for": self.kept_for[lang],
                   "brand": brand.in_language(lang), "colours": brand.colours,
                   "logo_url": logo if brand.logo else "",
                   "links": [(score, label, f"{self.base}/s/{token}?score={score}")
                             for score, label in self.ratings[lang]]}
        title = " ".join(subject.render(context).split())
        return {"subject": f"[TEST] {title}" if test else title, "text": text.render(context),
                "html": html.render(context), "lang": lang, "unsubscribe_url": unsubscribe,
                "survey_url": f"{self.base}/s/{token}"}

    def render(self, inv: Invitation, kind: str, test: bool = False) -> Mail:
        ticket, recipient = inv.ticket, inv.ticket.requester_email or ""
        if not _ADDRESS.fullmatch(recipient):
            raise PermanentMailError(f"unusable email address {recipient[:100]!r}")
        part = self.parts(inv, kind, test)
        lang, unsubscribe = part["lang"], part["unsubscribe_url"]
        headers = [
            ("Subject", mime.unstructured("Subject", part["subject"])),
            ("From", self.mail_from),
            ("To", mime.mailbox(ticket.requester_name, recipient)),
            ("Reply-To", self.reply_address(inv)),
            ("Message-ID", f"<{inv.id}.{kind}@{self.mail_domain}>"),
            ("Date", formatdate(usegmt=True)),
            ("List-Unsubscribe", f"<{unsubscribe}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("X-Auto-Response-Suppress", "OOF, AutoReply"),
            ("Content-Language", lang),
        ] + ([("X-Survey-Test", "yes")] if test else [])
        data = mime.alternative(headers, part["text"], part["html"])
        return Mail(self.sender, (recipient,), data, smtputf8=not recipient.isascii())
