"""Topic names and partition counts: the one place they are spelled."""

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
