"""What analysis-svc lets go of (the handler is service_layer/retention.py).

An answer past its period keeps what the statistics need (score, label, compound, themes,
cohort, dates) and loses its redacted comment and subject hash; an invitation loses the
requester's name; a follow-up keeps when it was done but not the note; alert emails go once
sent (or parked) for the delivered period, and unsent ones with the comments. Rollups and
raised alerts hold nothing personal and stay.
"""
from sqlalchemy import and_, func, or_

from chassis.privacy.retention import (ACCESS_AUDIT, COMMENTS, CONTACT_DETAILS, DELIVERED)
from chassis.privacy.sweeps import TableSweep

from analysis_svc.adapters.erasure import ERASED_NOTE
from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.adapters.orm import invitations, privacy, responses
from analysis_svc.domain.erased import ERASED_COMMENT

EXPIRED_NOTE = "[removed after its retention period]"
_r, _i, _f, _m = responses.c, invitations.c, followups.c, alert_mail_outbox.c
_audit = privacy["access_audit"]


def sweeps(engine) -> tuple:
    return (
        TableSweep(engine, COMMENTS, "comments", responses, lambda k: and_(
            _r.submitted_at < k[COMMENTS], _r.redacted_comment.is_not(None),
            _r.redacted_comment != ERASED_COMMENT),
            clear={"redacted_comment": ERASED_COMMENT}),
        TableSweep(engine, COMMENTS, "followup_notes", followups, lambda k: and_(
            _f.detractor_at < k[COMMENTS], _f.note.not_in([EXPIRED_NOTE, ERASED_NOTE])),
            clear={"note": EXPIRED_NOTE}),
        TableSweep(engine, COMMENTS, "unsent_alert_mails", alert_mail_outbox, lambda k: and_(
            _m.created_at < k[COMMENTS], _m.sent_at.is_(None), _m.parked_at.is_(None))),
        TableSweep(engine, CONTACT_DETAILS, "answer_subjects", responses, lambda k: and_(
            _r.submitted_at < k[CONTACT_DETAILS], _r.subject.is_not(None)),
            clear={"subject": None}),
        TableSweep(engine, CONTACT_DETAILS, "requester_names", invitations, lambda k: and_(
            func.coalesce(_i.created_at, _i.sent_at) < k[CONTACT_DETAILS],
            _i.requester_name.is_not(None)), clear={"requester_name": None}),
        TableSweep(engine, DELIVERED, "alert_mails", alert_mail_outbox, lambda k: or_(
            _m.sent_at < k[DELIVERED], _m.parked_at < k[DELIVERED])),
        TableSweep(engine, ACCESS_AUDIT, "access_audit", _audit,
                   lambda k: _audit.c.at < k[ACCESS_AUDIT]),
    )
