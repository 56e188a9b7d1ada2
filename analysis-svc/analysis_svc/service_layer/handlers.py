"""The bus's handlers: one per command, each taking the command and the dependencies it names."""
from analysis_svc.domain import commands
from analysis_svc.domain.followup import FollowUp, follow_up
from analysis_svc.service_layer import auth
from analysis_svc.service_layer.batches import Pipeline, process


class NotFound(LookupError):
    """No such detractor response within the caller's scope."""


class DatabaseNotEmpty(RuntimeError):
    """A replay into a database that already holds responses would count them twice."""


class _Discard:
    """A publisher that keeps nothing: a replay re-raises past alerts without re-sending them."""

    def publish(self, envelope) -> None:
        pass

    def publish_many(self, envelopes) -> None:
        pass


def consume_batch(cmd: commands.ConsumeBatch, uow, analyser, publisher, policy, clock, learner,
                  dead_letter, transient, notify, key_vault) -> int:
    """Store, score and roll up a polled batch; returns how many responses it stored."""
    return process(cmd.records, Pipeline(uow, analyser, publisher, policy, clock, learner,
                                         dead_letter, transient, notify, key_vault))


def replay_batch(cmd: commands.ReplayBatch, uow, analyser, publisher, policy, clock, learner,
                 dead_letter, transient, key_vault) -> int:
    """As consume_batch, but a replay never emails an alert again."""
    publisher = publisher if cmd.publish else _Discard()
    return process(cmd.records, Pipeline(uow, analyser, publisher, policy, clock, learner,
                                          dead_letter, transient, vault=key_vault,
                                          readings=cmd.readings))


def prepare_rebuild(cmd: commands.PrepareRebuild, uow) -> None:
    with uow:
        if cmd.reset:
            uow.analysis.clear()
            uow.ticket_trail.clear()
        elif uow.analysis.holds_responses():
            raise DatabaseNotEmpty("the database already holds responses")
        uow.commit()


def mark_followed_up(cmd: commands.MarkFollowedUp, uow, clock) -> FollowUp:
    """Record a follow-up once; marking it again keeps the first record. Raises NotFound."""
    with uow:
        response = uow.followups.response_in_scope(cmd.response_id, cmd.scope)
        if response is None:
            raise NotFound(cmd.response_id)
        record = follow_up(response, cmd.note, cmd.by, clock.now())
        uow.followups.add_once(record)
        uow.commit()
    return record


def issue_token(cmd: commands.IssueToken, uow, clock) -> str:
    """Store a partner token's hash; returns the token (shown once)."""
    token = cmd.token or auth.new_token()
    with uow:
        uow.tokens.add(auth.token_hash(token), list(cmd.directorates), cmd.label, cmd.email,
                       clock.now(), list(cmd.organisations))
        uow.commit()
    return token


def revoke_token(cmd: commands.RevokeToken, uow, clock) -> bool:
    """False when there is no active token with that id."""
    with uow:
        revoked = uow.tokens.revoke(cmd.token_id, clock.now())
        uow.commit()
    return revoked
