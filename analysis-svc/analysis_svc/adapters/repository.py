"""SQL reads and writes for the consumer: bulk, dialect-aware upserts that add to counters."""
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from chassis import inbox

from analysis_svc.adapters.bulk import RowSet, among, copy_rows, is_postgresql
from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.adapters.webhook_outbox import alert_webhook_outbox
from analysis_svc.adapters.orm import (invitations, metadata, raised_alerts, rollup_themes, rollups,
                                       responses)
from analysis_svc.service_layer.measures import COUNTERS
from analysis_svc.service_layer.rollups import Deltas

inbox_table = metadata.tables["event_inbox"]
_CELL = ("directorate", "service", "team", "period_kind", "period", "period_start")


def _row_sets(table, columns) -> dict[bool, RowSet]:
    """The table's bulk INSERT, for SQLite (False) and PostgreSQL (True)."""
    return {pg: RowSet(table, columns, pg) for pg in (False, True)}


_ROLLUPS = _row_sets(rollups, list(_CELL) + list(COUNTERS))
_THEMES = _row_sets(rollup_themes, list(_CELL) + ["theme", "count"])
_ALERTS = _row_sets(raised_alerts, ["alert_id", "kind", "directorate", "raised_at"])
_UPDATE_RESPONSE = update(responses).where(
    responses.c.response_id == bindparam("b_response_id")).values(
    {c.name: bindparam(f"b_{c.name}") for c in responses.c if c.name != "response_id"})


class SqlRepository:
    def __init__(self, session):
        self.session = session
        self._pg = is_postgresql(session)
        self._insert = postgresql.insert if self._pg else sqlite.insert

    def seen(self, event_ids: list[str]) -> set[str]:
        return inbox.seen(self.session, event_ids)

    def mark_processed(self, event_ids: list[str], now: datetime) -> None:
        inbox.mark(self.session, event_ids, now)

    def responses_by_id(self, response_ids: list[str]) -> dict[str, dict]:
        if not response_ids:
            return {}
        stmt = select(responses).where(among(responses.c.response_id, response_ids, self._pg))
        if self._pg:
            stmt = stmt.with_for_update()
        return {r["response_id"]: dict(r) for r in self.session.execute(stmt).mappings()}

    def save_responses(self, new_rows: list[dict], changed_rows: list[dict]) -> None:
        if new_rows and self._pg:
            copy_rows(self.session, responses, new_rows)
        elif new_rows:
            self.session.execute(responses.insert(), new_rows)
        if changed_rows:  # each row names every column (scoring._row): one executemany
            self.session.execute(_UPDATE_RESPONSE, [
                {f"b_{k}": v for k, v in row.items()} for row in changed_rows])

    def requester_names(self, invitation_ids: list[str]) -> dict[str, str]:
        ids = sorted({i for i in invitation_ids if i})
        if not ids:
            return {}
        stmt = select(invitations.c.invitation_id, invitations.c.requester_name).where(
            among(invitations.c.invitation_id, ids, self._pg),
            invitations.c.requester_name.is_not(None))
        return dict(self.session.execute(stmt).all())

    def upsert_invitation(self, row: dict) -> bool:
        """Record an invitation step; True when this is the first time it was sent."""
        stmt = self._insert(invitations).values(**row)
        fields = {k: stmt.excluded[k] for k in row if k not in ("invitation_id", "sent_at")
                  and row[k] is not None}
        self.session.execute(stmt.on_conflict_do_update(index_elements=["invitation_id"],
                                                        set_=fields) if fields else
                             stmt.on_conflict_do_nothing())
        if row.get("sent_at") is None:
            return False
        result = self.session.execute(update(invitations).where(
            invitations.c.invitation_id == row["invitation_id"],
            invitations.c.sent_at.is_(None)).values(sent_at=row["sent_at"]))
        return result.rowcount == 1

    def apply(self, deltas: Deltas) -> None:
        """Add the batch's deltas to the rollup cells, in key order (no deadlocks)."""
        if deltas.cells:
            rows = [dict(zip(_CELL, key), **{c: counts.get(c, 0) for c in COUNTERS})
                    for key, counts in sorted(deltas.cells.items())]
            cells = _ROLLUPS[self._pg]
            stmt = cells.insert()
            stmt = stmt.on_conflict_do_update(
                index_elements=list(_CELL[:5]),
                set_={c: rollups.c[c] + stmt.excluded[c] for c in COUNTERS})
            self.session.execute(stmt, cells.params(rows))
        themed = [dict(zip(_CELL + ("theme",), key), count=n)
                  for key, n in sorted(deltas.themes.items()) if n]
        if themed:
            cells = _THEMES[self._pg]
            stmt = cells.insert()
            stmt = stmt.on_conflict_do_update(
                index_elements=list(_CELL[:5]) + ["theme"],
                set_={"count": rollup_themes.c["count"] + stmt.excluded["count"]})
            self.session.execute(stmt, cells.params(themed))

    def claim_alerts(self, alerts: list[tuple[str, str, str]], now: datetime) -> set[str]:
        """Of (alert_id, kind, directorate), the ids raised for the first time (alerts go out once)."""
        wanted = {a[0]: a for a in alerts}
        if not wanted:
            return set()
        rows = [{"alert_id": i, "kind": wanted[i][1], "directorate": wanted[i][2], "raised_at": now}
                for i in sorted(wanted)]
        claims = _ALERTS[self._pg]
        if self._pg:  # one statement: the ids it inserted are the ones raised for the first time
            stmt = claims.insert().on_conflict_do_nothing().returning(raised_alerts.c.alert_id)
            return set(self.session.execute(stmt, claims.params(rows)).scalars())
        taken = set(self.session.execute(select(raised_alerts.c.alert_id).where(
            raised_alerts.c.alert_id.in_(sorted(wanted)))).scalars())
        new = [row for row in rows if row["alert_id"] not in taken]
        if new:
            self.session.execute(claims.insert().on_conflict_do_nothing(), claims.params(new))
        return {row["alert_id"] for row in new}

    def stage_mails(self, rows: list[dict]) -> None:
        """Stage alert emails (alert_event_id, recipient, subject, body, created_at) once each."""
        if rows:
            self.session.execute(self._insert(alert_mail_outbox).on_conflict_do_nothing(), rows)

    def stage_webhooks(self, rows: list[dict]) -> None:
        """Stage alerts for Teams/Slack channels (webhook_outbox.staged_rows) once each."""
        if rows:
            self.session.execute(self._insert(alert_webhook_outbox).on_conflict_do_nothing(), rows)

    def claim_alert(self, alert_id: str, kind: str, directorate: str, now: datetime) -> bool:
        """True the first time an alert id is raised (alerts are raised once)."""
        stmt = self._insert(raised_alerts).values(alert_id=alert_id, kind=kind,
                                                  directorate=directorate, raised_at=now)
        stmt = stmt.on_conflict_do_nothing().returning(raised_alerts.c.alert_id)
        return self.session.execute(stmt).first() is not None

    def directorate_sums(self, kind: str, periods: list[str]) -> dict[str, dict[str, dict]]:
        """Per directorate, then per period: counters summed over its services and teams."""
        stmt = select(rollups.c.directorate, rollups.c.period,
                      *[func.sum(rollups.c[c]).label(c) for c in COUNTERS]).where(
            rollups.c.period_kind == kind, rollups.c.period.in_(periods),
        ).group_by(rollups.c.directorate, rollups.c.period)
        out: dict[str, dict[str, dict]] = {}
        for r in self.session.execute(stmt).mappings():
            out.setdefault(r["directorate"], {})[r["period"]] = {c: r[c] or 0 for c in COUNTERS}
        return out

    def directorate_sums_many(self, kind_periods: list[tuple[str, str]]
                              ) -> dict[str, dict[str, dict[str, dict]]]:
        """directorate_sums of several (kind, period)s in one query: kind, directorate, period."""
        if not kind_periods:
            return {}
        stmt = select(rollups.c.period_kind, rollups.c.directorate, rollups.c.period,
                      *[func.sum(rollups.c[c]).label(c) for c in COUNTERS]).where(
            tuple_(rollups.c.period_kind, rollups.c.period).in_(sorted(set(kind_periods))),
        ).group_by(rollups.c.period_kind, rollups.c.directorate, rollups.c.period)
        out: dict[str, dict[str, dict[str, dict]]] = {}
        for r in self.session.execute(stmt).mappings():
            out.setdefault(r["period_kind"], {}).setdefault(r["directorate"], {})[r["period"]] = {
                c: r[c] or 0 for c in COUNTERS}
        return out

    def holds_responses(self) -> bool:
        return self.session.execute(select(responses.c.response_id).limit(1)).first() is not None

    def clear(self) -> None:
        """Empty what a replay rebuilds (partner tokens and follow-ups are kept)."""
        for table in (responses, invitations, rollups, rollup_themes, inbox_table, raised_alerts):
            self.session.execute(delete(table))
