#!/usr/bin/env bash
# Install only the Debian packages that are missing; skip apt entirely when nothing is.
set -euo pipefail
missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have java || missing+=(openjdk-17-jre-headless)
have mvn || missing+=(maven)
have npm || missing+=(npm)
have chromium || have chromium-browser || missing+=(chromium)
have pdftoppm || missing+=(poppler-utils)
have redis-server || missing+=(redis-server)
have promtool || missing+=(prometheus)  # promtool checks infra/monitoring's alert rules
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
# Request Tracker 5 for the connector tests (devkit rt): standalone server on SQLite, no
# dbconfig; an MTA only when none is there (msmtp-mta runs no daemon; naming it would
# replace a machine's own MTA)
if [ ! -x /usr/share/request-tracker5/libexec/rt-server ]; then
  missing+=(request-tracker5 rt5-standalone rt5-db-sqlite dbconfig-no-thanks)
  have sendmail || [ -x /usr/sbin/sendmail ] || missing+=(msmtp-mta)
fi
if ! docker compose version >/dev/null 2>&1 && ! have docker-compose; then
  missing+=(docker-compose)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present"
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
# Debian's prometheus package starts a server on 9090; only its promtool is wanted.
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
  $SUDO service prometheus stop 2>/dev/null || true
fi
# Debian's postgresql package starts a cluster on 5432; we run our own, so stop it.
if [[ " ${missing[*]} " == *" postgresql "* ]] && have pg_lsclusters; then
  $SUDO pg_ctlcluster --force "$(ls /usr/lib/postgresql | sort -n | tail -1)" main stop 2>/dev/null || true
fi
