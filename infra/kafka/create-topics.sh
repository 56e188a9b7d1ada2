#!/bin/bash
# Topic init for docker-compose; the list must match contracts/contracts/topics.py
# (tests/integration/test_devkit_compose.py checks that it does).
set -euo pipefail
BOOTSTRAP="${BOOTSTRAP:-kafka:29092}"
TOPICS="tickets.resolved:6 surveys.lifecycle:6 feedback.responses:6 feedback.responses.dlq:1 feedback.scored:6 feedback.alerts:3 privacy.requests:1"
for spec in $TOPICS; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "${spec%%:*}" --partitions "${spec##*:}" --replication-factor 1
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list
