"""Subject access: everything analysis-svc holds about some people, each kind as stored (answers
with their redacted comments, scores and labels; invitations; follow-ups; detractor alerts and the
emails that carried them; the access audit's entries about them)."""
from sqlalchemy import or_, select

from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.adapters.orm import invitations, raised_alerts, responses
from analysis_svc.domain.alerts import detractor_alert_id, stable_event_id


def _rows(session, stmt) -> list[dict]:
    return [dict(row._mapping) for row in session.execute(stmt)]


def _in(column, values) -> object:
    return column.in_(sorted(values))


def held(bus, subjects: list[str], invitation_ids: list[str]) -> dict[str, list]:
    """What analysis-svc holds about these subjects and invitations, by kind."""
    ids = set(invitation_ids)
    with bus.uow_factory() as uow:
        session = uow.session
        answers = _rows(session, select(responses).where(or_(
            _in(responses.c.invitation_id, ids), _in(responses.c.subject, subjects)))
            .order_by(responses.c.submitted_at))
        ids |= {a["invitation_id"] for a in answers if a["invitation_id"]}
        subjects = set(subjects) | {a["subject"] for a in answers if a["subject"]}
        answer_ids = {a["response_id"] for a in answers}
        alert_ids = {detractor_alert_id(r) for r in answer_ids}
        return {
            "responses": answers,
            "invitations": _rows(session, select(invitations).where(
                _in(invitations.c.invitation_id, ids))),
            "followups": _rows(session, select(followups).where(
                _in(followups.c.response_id, answer_ids))),
            "alerts": _rows(session, select(raised_alerts).where(
                _in(raised_alerts.c.alert_id, alert_ids))),
            "alert_emails": _rows(session, select(alert_mail_outbox).where(_in(
                alert_mail_outbox.c.alert_event_id,
                {stable_event_id("alert", a) for a in alert_ids})).order_by(alert_mail_outbox.c.id)),
            "access_audit": uow.access_audit.about(subjects | ids)}
