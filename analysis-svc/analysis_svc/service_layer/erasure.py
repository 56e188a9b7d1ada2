"""Erasure on request: what analysis-svc holds about people loses them while their answers stay
counted (score, label, compound, themes, cohort); replayed events of erased people land anonymous."""
from dataclasses import replace

from chassis.privacy.erasures import completed_event, refs_of

from analysis_svc.domain import commands
from analysis_svc.service_layer.scoring import PRODUCER, RESPONSE_EVENTS, Outcome


def erase_subjects(cmd: commands.EraseSubjects, uow, publisher, clock) -> dict:
    """Forget them once; report it (again, for a request already done: a lost report is resent)."""
    with uow:
        done = uow.erasures.get(cmd.request_id)
        if done is None:
            _erase(cmd, uow.erasures, clock.now())
            uow.commit()
            done = uow.erasures.get(cmd.request_id)
    if cmd.report:
        publisher.publish(completed_event(PRODUCER, done))
    return done["counts"]


def _erase(cmd: commands.EraseSubjects, erasures, now) -> None:
    subjects, invitation_ids = set(cmd.subjects), set(cmd.invitation_ids)
    answers = erasures.answers_of(invitation_ids, subjects)
    response_ids = {response_id for response_id, _ in answers}
    counts = {"responses": erasures.anonymise_answers(response_ids),
              "invitations": erasures.forget_names(invitation_ids),
              "followups": erasures.blank_followups(response_ids),
              "alert_mails": erasures.scrub_alert_mails(response_ids)}
    erasures.record(cmd.request_id, sorted(subjects), sorted(invitation_ids), counts,
                    refs_of(subjects, invitation_ids, answers), now)


def forget_erased(erasures, envelopes, outcome: Outcome) -> None:
    """Inside a batch's transaction, after it was applied: answers and invitations of people
    already erased (a replay, a rebuild, a late event) keep their numbers and lose their text,
    in the tables, in the events and alerts the batch sends, and in what it learns from."""
    refs = {e.data.get("invitation_id") for e in envelopes}
    refs |= {e.data["response_id"] for e in envelopes if e.event_type in RESPONSE_EVENTS}
    erased = erasures.erased(refs - {None})
    if not erased:
        return
    invitation_ids = {e.data["invitation_id"] for e in envelopes
                      if e.data.get("invitation_id") in erased}
    response_ids = {e.data["response_id"] for e in envelopes if e.event_type in RESPONSE_EVENTS
                    and erased & {e.data["response_id"], e.data.get("invitation_id")}}
    erasures.forget_names(invitation_ids)
    erasures.anonymise_answers(response_ids)
    texts = {e.data["redacted_comment"] for e in outcome.events
             if e.data.get("response_id") in response_ids and e.data.get("redacted_comment")}
    outcome.events[:] = [replace(e, data={**e.data, "redacted_comment": None})
                         if e.data.get("response_id") in response_ids
                         and "redacted_comment" in e.data else e for e in outcome.events]
    outcome.learn[:] = [pair for pair in outcome.learn if pair[0] not in texts]
