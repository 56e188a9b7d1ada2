"""Request Tracker 5, REST2 (/REST/2.0): resolved tickets in, comments and reopens out.

Docs: https://docs.bestpractical.com/rt/5.0.3/RT/REST2.html (also `perldoc RT::REST2` where RT
is installed). Auth: `Authorization: token <auth token>` (RT::Authen::Token).

- GET /tickets?query=<TicketSQL>&fields=...&fields[Requestor]=...&orderby=LastUpdated&page=N
- POST /transactions (query=<TransactionSQL>): each ticket's Status -> resolved transactions,
  counted into `ResolutionCount` (how many times it has been resolved, this one included)
- POST /ticket/:id/comment {"Content", "ContentType"}; PUT /ticket/:id {"Status": "open"}
"""
from collections import Counter
from datetime import datetime

from survey_svc.connectors.http import ApiClient, TokenAuth
from survey_svc.connectors.pull import Pulled, Spec, keyset_pages, parse_time, query_time

TICKET_FIELDS = "Status,Resolved,LastUpdated,Created,Subject,Priority,Requestor,Queue,Owner"


class RequestTracker:
    ordered = True

    def __init__(self, client: ApiClient, spec: Spec):
        self.client, self.spec = client, spec
        self.statuses = spec.options.get("statuses", ["resolved"])
        self.queue = spec.options.get("queue")
        self.reopen_status = spec.options.get("reopen_status", "open")

    def pages(self, since: datetime):
        """Pages of resolved tickets updated since `since`, oldest update first."""
        return keyset_pages(self._page, since, self.spec.page_size)

    def _page(self, since: datetime, page: int) -> list[Pulled]:
        body = self.client.get_json("/tickets", params={
            "query": self._query(since), "fields": TICKET_FIELDS,
            "fields[Requestor]": "EmailAddress,RealName,Name", "fields[Queue]": "Name",
            "orderby": ["LastUpdated", "id"], "order": ["ASC", "ASC"],
            "page": page, "per_page": self.spec.page_size})
        items = body.get("items") or []
        counts = self._resolution_counts([item["id"] for item in items])
        return [Pulled(ref=str(item["id"]), moment=parse_time(item["LastUpdated"]),
                       payload={**item, "ResolutionCount": counts.get(str(item["id"]), 1)})
                for item in items]

    def _query(self, since: datetime) -> str:
        statuses = " OR ".join(f"Status = '{status}'" for status in self.statuses)
        clauses = [f"({statuses})",
                   f"LastUpdated >= '{query_time(since, self.spec.timezone)}'"]
        if self.queue:
            clauses.append(f"Queue = '{self.queue}'")
        return " AND ".join(clauses)

    def _resolution_counts(self, ticket_ids: list[str]) -> Counter:
        """How often each ticket has been set to a resolved status: one search per page."""
        if not ticket_ids:
            return Counter()
        tickets = " OR ".join(f"ObjectId = {int(t)}" for t in ticket_ids)
        statuses = " OR ".join(f"NewValue = '{status}'" for status in self.statuses)
        query = (f"ObjectType = 'RT::Ticket' AND Type = 'Status' AND ({statuses}) "
                 f"AND ({tickets})")
        counts, page = Counter(), 1
        while True:
            body = self.client.request("POST", "/transactions", data={"query": query}, params={
                "fields": "ObjectId", "per_page": 100, "page": page}).json()
            items = body.get("items") or []
            counts.update(str(item["ObjectId"]) for item in items)
            if len(items) < 100:
                return counts
            page += 1

    def add_note(self, ref: str, text: str) -> None:
        """A comment: seen by staff, never mailed to the requester."""
        self.client.request("POST", f"/ticket/{int(ref)}/comment",
                            json={"Content": text, "ContentType": "text/plain"})

    def reopen(self, ref: str) -> None:
        self.client.request("PUT", f"/ticket/{int(ref)}", json={"Status": self.reopen_status})


def build(spec: Spec) -> RequestTracker:
    return RequestTracker(spec.client(f"{spec.url}/REST/2.0",
                                      auth=TokenAuth("token", spec.secret())), spec)


LINK = "{url}/Ticket/Display.html?id={ref}"
