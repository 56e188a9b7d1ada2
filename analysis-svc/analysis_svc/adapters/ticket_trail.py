"""Writes of the ticket trail, one event at a time, in the batch's transaction."""
from sqlalchemy import delete, select, update

from analysis_svc.adapters.ticket_trail_orm import ticket_trail

_TRAIL = ("version", "directorate", "ticket_id", "tool", "connector", "ref", "link")


class TicketTrailStore:
    def __init__(self, session):
        self.session = session

    def record(self, event_type: str, data: dict) -> None:
        """A write-back's outcome (the latest answer version's, latest attempt's wins) or the
        team's follow-up (the latest wins): events may come late or twice."""
        row = self.session.execute(select(ticket_trail).where(
            ticket_trail.c.response_id == data["response_id"])).first()
        if event_type == "ticket.followed_up":
            self._followed_up(row, data)
            return
        status = event_type.split(".", 1)[1]
        values = {k: data.get(k) for k in _TRAIL} | {
            "status": status, "status_at": data["at"], "reason": data.get("reason"),
            "attempts": data.get("attempts") or 0, "reopened": bool(data.get("reopened")),
            "next_attempt_at": data.get("next_attempt_at")}
        if row is None:
            self.session.execute(ticket_trail.insert().values(
                response_id=data["response_id"], **values))
        elif (data["version"], data["at"]) >= (row.version, row.status_at):
            self._update(data["response_id"], values)

    def _followed_up(self, row, data: dict) -> None:
        values = {"followed_up_at": data["at"], "follow_up": data["summary"]}
        if row is None:  # its writeback.delivered not seen yet: it was delivered, though;
            # version 0 lets that event, when it comes, say when
            self.session.execute(ticket_trail.insert().values(
                {k: data.get(k) for k in _TRAIL} | values | {
                    "response_id": data["response_id"], "version": 0, "status": "delivered",
                    "status_at": data["at"], "attempts": 0, "reopened": False}))
        elif row.followed_up_at is None or data["at"] >= row.followed_up_at:
            self._update(data["response_id"], values)

    def _update(self, response_id: str, values: dict) -> None:
        self.session.execute(update(ticket_trail).where(
            ticket_trail.c.response_id == response_id).values(**values))

    def clear(self) -> None:
        """Before a rebuild: the trail comes back from surveys.lifecycle."""
        self.session.execute(delete(ticket_trail))
