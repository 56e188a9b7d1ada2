"""Topic names, partition counts and retention: the one place they are spelled."""

TICKETS_RESOLVED = "tickets.resolved"
SURVEYS_LIFECYCLE = "surveys.lifecycle"
FEEDBACK_RESPONSES = "feedback.responses"
FEEDBACK_RESPONSES_DLQ = "feedback.responses.dlq"
FEEDBACK_SCORED = "feedback.scored"
FEEDBACK_ALERTS = "feedback.alerts"
PRIVACY_REQUESTS = "privacy.requests"

# Six partitions where a consumer group of up to six instances shares the work.
TOPICS: dict[str, int] = {
    TICKETS_RESOLVED: 6,
    SURVEYS_LIFECYCLE: 6,
    FEEDBACK_RESPONSES: 6,
    FEEDBACK_RESPONSES_DLQ: 1,
    FEEDBACK_SCORED: 6,
    FEEDBACK_ALERTS: 3,
    # Erasure requests are rare and small; one partition keeps them in the order asked.
    PRIVACY_REQUESTS: 1,
}

FOREVER = -1
DAY_MS = 24 * 60 * 60 * 1000
# Set on every topic (the broker's default, 7 days, silently lost history a rebuild needs).
RETENTION_MS: dict[str, int] = {
    # Facts the suite rebuilds from (`analysis-svc rebuild` replays them from offset 0): kept
    # for ever. Their personal fields are sealed per person and month (chassis.privacy), so
    # destroying a key forgets a person without deleting the history the figures need.
    SURVEYS_LIFECYCLE: FOREVER,
    FEEDBACK_RESPONSES: FOREVER,
    FEEDBACK_SCORED: FOREVER,
    FEEDBACK_ALERTS: FOREVER,
    # Written by the ITSM, outside the suite: its requester fields may arrive in clear, and
    # nothing rebuilds from it (survey-svc keeps what it needs). 30 days: within the month
    # UK GDPR allows for an erasure, and long enough to outlast any consumer outage.
    TICKETS_RESOLVED: 30 * DAY_MS,
    # Rejected input kept as it came (it cannot be sealed: it may not even parse); 30 days to
    # look into it, then gone.
    FEEDBACK_RESPONSES_DLQ: 30 * DAY_MS,
    # Subject hashes and invitation ids only, no address: kept for ever so a service rebuilt
    # from the log re-applies every erasure before the history could bring a person back.
    PRIVACY_REQUESTS: FOREVER,
}


def topic_config(name: str) -> dict[str, str]:
    """The topic-level settings (Kafka's names and string values) a topic is created with."""
    return {"retention.ms": str(RETENTION_MS[name])}
