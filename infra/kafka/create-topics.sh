#!/bin/bash
# Topic init for docker-compose; the lists must match contracts/contracts/topics.py
# (tests/integration/test_devkit_compose.py checks that they do). Runs at every `compose up`:
# missing topics are created, and every topic's retention is set again (the broker's 7-day
# default would silently delete the history `analysis-svc rebuild` replays).
set -euo pipefail
BOOTSTRAP="${BOOTSTRAP:-kafka:29092}"
# 1 on the single broker; the `cluster` profile's three nodes: 3 replicas, 2 must acknowledge
REPLICATION_FACTOR="${REPLICATION_FACTOR:-1}"
MIN_ISR_CONFIG=()
[ -n "${MIN_INSYNC_REPLICAS:-}" ] && MIN_ISR_CONFIG=(--config "min.insync.replicas=$MIN_INSYNC_REPLICAS")
TOPICS="tickets.resolved:6 surveys.lifecycle:6 feedback.responses:6 feedback.responses.dlq:1 feedback.scored:6 feedback.alerts:3 privacy.requests:1"
RETENTION="tickets.resolved:2592000000 surveys.lifecycle:-1 feedback.responses:-1 feedback.responses.dlq:2592000000 feedback.scored:-1 feedback.alerts:-1 privacy.requests:-1"
for spec in $TOPICS; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "${spec%%:*}" --partitions "${spec##*:}" --replication-factor "$REPLICATION_FACTOR" \
    "${MIN_ISR_CONFIG[@]}"
done
for spec in $RETENTION; do
  /opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOTSTRAP" --alter --entity-type topics \
    --entity-name "${spec%%:*}" --add-config "retention.ms=${spec##*:}"
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list
