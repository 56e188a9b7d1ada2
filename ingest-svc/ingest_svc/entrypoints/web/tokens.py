"""Turn a survey link's token into the invitation it names, or a friendly refusal."""
import re
from datetime import datetime, timezone

import jwt
from flask import g
from flask_babel import lazy_gettext as _l

from chassis.tokens import TokenExpired, TokenInvalid, verify_token
from contracts.organisations import is_organisation_id

from ingest_svc.domain.model import Cohort, Invitation

_INVITATION_ID = re.compile(r"^[0-9a-f]{32}$")


class LinkProblem(Exception):
    def __init__(self, status: int, title: str, paragraphs: list[str]):
        super().__init__(title)
        self.status, self.title, self.paragraphs = status, title, paragraphs


# Lazy: each page shows them in the language of its request.
EXPIRED = LinkProblem(410, _l("This survey link has expired"),
                      [_l("Survey links work for a limited time after your request was resolved."),
                       _l("Thank you for wanting to tell us how we did.")])
CLOSED = LinkProblem(410, _l("This survey is closed"),
                     [_l("Your request was reopened, so we are no longer asking about it."),
                      _l("We may ask you again once it is resolved.")])
INVALID = LinkProblem(404, _l("This survey link is not recognised"),
                      [_l("Check you used the whole link from the email. It may have been cut off.")])


def _organisation(claims: dict) -> str | None:
    """The organisation survey-svc named (#17): the page wears its branding; none, the top level."""
    org = claims.get("org")
    return org if is_organisation_id(org) else None


def _expired_language(token: str) -> None:
    """Say "expired" in the invitation's language (and its organisation's branding): its
    signature was good, only its time is up."""
    claims = jwt.decode(token, options={"verify_signature": False})
    lang = claims.get("lang")
    g.invitation_lang = lang if isinstance(lang, str) else None
    g.organisation = _organisation(claims)


def invitation_from_token(public_pem: str, token: str) -> Invitation:
    if len(token) > 2048:
        raise INVALID
    try:
        claims = verify_token(public_pem, token)
    except TokenExpired:
        _expired_language(token)
        raise EXPIRED from None
    except TokenInvalid:
        raise INVALID from None
    inv, directorate = claims.get("inv"), claims.get("dir")
    if not isinstance(inv, str) or not _INVITATION_ID.match(inv) or not isinstance(directorate, str):
        raise INVALID

    def text(name, limit=100):
        value = claims.get(name)
        return str(value)[:limit] if value is not None else None

    g.organisation = _organisation(claims)
    invitation = Invitation(inv, Cohort(directorate[:100], text("svc"), text("cat"), text("team"),
                                        g.organisation),
                            text("tkt"), text("ch", 50), text("lang", 10) or "en",
                            datetime.fromtimestamp(claims["exp"], timezone.utc))
    g.invitation_lang = invitation.language  # the page opens in the invitation's language
    # A preview's test send (survey-svc): its pages show, but nothing it posts is recorded.
    g.test_send = claims.get("test") is True
    return invitation
