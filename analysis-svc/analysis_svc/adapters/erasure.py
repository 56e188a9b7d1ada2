"""What analysis-svc holds about people being erased: found, anonymised, and remembered."""
import re

from sqlalchemy import case, or_, select, update

from chassis.privacy.erasures import ErasureLog

from analysis_svc.adapters.bulk import among, is_postgresql
from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.adapters.orm import invitations, privacy, responses
from analysis_svc.domain.alerts import detractor_alert_id, stable_event_id
from analysis_svc.domain.erased import ERASED_COMMENT

ERASED_NOTE = "[erased on request]"
# notify.describe's detractor body: the comment sits between these two lines.
_MAIL_COMMENT = re.compile(r"(Comment \(redacted\): ).*?(\n\nResponse id: )", re.DOTALL)


def alert_event_id(response_id: str) -> str:
    """The event id of a response's detractor alert, as the consumer raised it."""
    return stable_event_id("alert", detractor_alert_id(response_id))


def _without_comment(body: str) -> str:
    found = _MAIL_COMMENT.search(body)
    return _MAIL_COMMENT.sub(r"\1(erased on request)\2", body) if found else ERASED_NOTE


class ErasureRepository(ErasureLog):
    def __init__(self, session):
        super().__init__(session, privacy, responses)

    def erased(self, refs: set[str]) -> set[str]:
        """ErasureLog.erased with the refs as one array parameter on PostgreSQL (a batch asks
        about ~2,000 of them: an IN list of that many parameters is ~4x slower to parse)."""
        if not refs:
            return set()
        return set(self.session.execute(select(self.refs.c.ref).where(
            among(self.refs.c.ref, refs, is_postgresql(self.session)))).scalars())

    def anonymise_answers(self, response_ids: set[str]) -> int:
        """Comment and subject gone; score, label, compound, themes and cohort stay counted."""
        if not response_ids:
            return 0
        comment = responses.c.redacted_comment
        return self.session.execute(update(responses).where(
            responses.c.response_id.in_(sorted(response_ids)),
            or_(comment.is_not(None) & (comment != ERASED_COMMENT), responses.c.subject.is_not(None)))
            .values(redacted_comment=case((comment.is_(None), None), else_=ERASED_COMMENT),
                    subject=None)).rowcount

    def forget_names(self, invitation_ids: set[str]) -> int:
        if not invitation_ids:
            return 0
        return self.session.execute(update(invitations).where(
            invitations.c.invitation_id.in_(sorted(invitation_ids)),
            invitations.c.requester_name.is_not(None)).values(requester_name=None)).rowcount

    def blank_followups(self, response_ids: set[str]) -> int:
        """The partner's note about the person goes; that it was followed up stays."""
        if not response_ids:
            return 0
        return self.session.execute(update(followups).where(
            followups.c.response_id.in_(sorted(response_ids)), followups.c.note != ERASED_NOTE)
            .values(note=ERASED_NOTE)).rowcount

    def scrub_alert_mails(self, response_ids: set[str]) -> int:
        """Alert emails about their answers (sent or waiting) keep no comment."""
        ids = sorted({alert_event_id(r) for r in response_ids})
        if not ids:
            return 0
        t, changed = alert_mail_outbox, 0
        for row_id, body in self.session.execute(select(t.c.id, t.c.body).where(
                t.c.alert_event_id.in_(ids))).all():
            if (new := _without_comment(body)) != body:
                self.session.execute(update(t).where(t.c.id == row_id).values(body=new))
                changed += 1
        return changed
