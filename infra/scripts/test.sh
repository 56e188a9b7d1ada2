#!/usr/bin/env bash
# `make test`: private Kafka + PostgreSQL for the run, every test tier, compose validation.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
export KAFKA_BOOTSTRAP_SERVERS="${TEST_KAFKA_BOOTSTRAP:-127.0.0.1:39092}"
export KAFKA_CONTROLLER_PORT="${TEST_KAFKA_CONTROLLER_PORT:-39093}"
export KAFKA_DATA_DIR="$PWD/var/test-kafka"
export DEV_PG_PORT="${TEST_PG_PORT:-55433}"
export PG_DATA_DIR="$PWD/var/test-pg"
export TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:${DEV_PG_PORT}/postgres"

cleanup() {
  "$BIN/devkit" kafka stop || true
  "$BIN/devkit" pg stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { echo; echo "== $*"; }

step "kafka on $KAFKA_BOOTSTRAP_SERVERS"
rm -rf "$KAFKA_DATA_DIR"   # every run starts from empty topics
"$BIN/devkit" kafka start || exit 1
step "postgresql on 127.0.0.1:$DEV_PG_PORT"
"$BIN/devkit" pg start || exit 1

failed=0
step "pytest (unit, integration, e2e, browser)"
mkdir -p test-artifacts
"$BIN/pytest" -p no:cacheprovider --junitxml=test-artifacts/junit.xml "$@"
rc=$?
if [ $rc -ne 0 ]; then echo "pytest failed with exit code $rc"; failed=1; fi

step "docker-compose.yml"
if docker compose version >/dev/null 2>&1; then
  docker compose --env-file infra/compose/test.env -f docker-compose.yml config -q || failed=1
elif command -v docker-compose >/dev/null; then
  docker-compose --env-file infra/compose/test.env -f docker-compose.yml config -q || failed=1
else
  echo "no compose implementation found (make system-deps installs docker-compose)"; failed=1
fi

[ $failed -eq 0 ] && echo "make test: all passed" || echo "make test: FAILED"
exit $failed
