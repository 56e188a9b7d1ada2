"""Freshservice, API v2: resolved and closed tickets in, private notes and reopens out.

Docs: https://api.freshservice.com/v2/#list_all_tickets, #add_note, #update_ticket_priority
Auth: HTTP Basic with the API key as user name and "X" as password (secret_env: the key).

- GET /api/v2/tickets?updated_since=<ISO>&include=requester,stats&order_type=asc
  &per_page=100&page=N -> {"tickets": [...]}; status 4 Resolved, 5 Closed (others skipped).
  The list is in creation order, not update order: the checkpoint moves only after a whole poll.
- POST /api/v2/tickets/<id>/notes {"body": "...", "private": true}
- reopen: PUT /api/v2/tickets/<id> {"status": 2} (Open)
"""
import html
from datetime import datetime

from survey_svc.connectors.http import ApiClient
from survey_svc.connectors.pull import Pulled, Spec, parse_time

RESOLVED = (4, 5)


class Freshservice:
    ordered = False

    def __init__(self, client: ApiClient, spec: Spec):
        self.client, self.spec = client, spec
        self.statuses = tuple(spec.options.get("statuses", RESOLVED))
        self.reopen_status = int(spec.options.get("reopen_status", 2))

    def pages(self, since: datetime):
        page = 1
        while True:
            body = self.client.get_json("/api/v2/tickets", params={
                "updated_since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "include": "requester,stats", "order_type": "asc",
                "per_page": self.spec.page_size, "page": page})
            tickets = body.get("tickets") or []
            resolved = [Pulled(ref=str(t["id"]), payload=t, moment=parse_time(t["updated_at"]))
                        for t in tickets if t.get("status") in self.statuses]
            if resolved:
                yield resolved
            if len(tickets) < self.spec.page_size:
                return
            page += 1

    def add_note(self, ref: str, text: str) -> None:
        # the note body is HTML
        body = "<br>".join(html.escape(line) for line in text.splitlines())
        self.client.request("POST", f"/api/v2/tickets/{int(ref)}/notes",
                            json={"body": body, "private": True})

    def reopen(self, ref: str) -> None:
        self.client.request("PUT", f"/api/v2/tickets/{int(ref)}",
                            json={"status": self.reopen_status})


def build(spec: Spec) -> Freshservice:
    return Freshservice(spec.client(spec.url, auth=(spec.secret(), "X")), spec)


LINK = "{url}/a/tickets/{ref}"
