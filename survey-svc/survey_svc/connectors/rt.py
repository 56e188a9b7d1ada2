"""Request Tracker 5, REST2 (/REST/2.0): resolved tickets in, comments and reopens out.

Docs: https://docs.bestpractical.com/rt/5.0.3/RT/REST2.html (also `perldoc RT::REST2` where RT
is installed). Auth: `Authorization: token <auth token>` (RT::Authen::Token).

- GET /tickets?query=<TicketSQL>&fields=...&fields[Requestor]=...&orderby=LastUpdated&page=N
- POST /transactions (query=<TransactionSQL>): each ticket's Status -> resolved transactions,
  counted into `ResolutionCount` (how many times it has been resolved, this one included)
- Reopens (option detect_reopens, on by default): the search also takes active tickets that
  were resolved before (RT keeps their Resolved date), marked `Reopened`: the mapping makes a
  reopen of their latest resolution of them, which cancels its survey if not yet sent
- POST /ticket/:id/comment {"Content", "ContentType"}; PUT /ticket/:id {"Status": "open"}
- The team's follow-up: POST /transactions (query=ObjectId = :id AND id > <mark>), the ticket's
  transactions after our last one (the mark: "<transaction id>:<its Creator>"), ours left out
"""
from collections import Counter
from datetime import datetime

from survey_svc.connectors.http import ApiClient, TokenAuth
from survey_svc.connectors.pull import Pulled, Spec, keyset_pages, parse_time, query_time
from survey_svc.domain.writeback import TeamFollowUp

TICKET_FIELDS = "Status,Resolved,LastUpdated,Created,Subject,Priority,Requestor,Queue,Owner"
TOOL = "Request Tracker"
# The team's doings a follow-up is made of (a transaction of any other type is not one).
FOLLOW_UPS = {"Correspond": f"Reply sent to the requester in {TOOL}",
              "Comment": f"Comment added in {TOOL}", "Status": "Status set to {status} in " + TOOL}


class RequestTracker:
    ordered = True

    def __init__(self, client: ApiClient, spec: Spec):
        self.client, self.spec = client, spec
        self.statuses = spec.options.get("statuses", ["resolved"])
        self.queue = spec.options.get("queue")
        self.reopen_status = spec.options.get("reopen_status", "open")
        self.detect_reopens = bool(spec.options.get("detect_reopens", True))

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
                       payload={**item, "ResolutionCount": counts.get(str(item["id"]), 1),
                                "Reopened": item.get("Status") not in self.statuses})
                for item in items]

    def _query(self, since: datetime) -> str:
        statuses = " OR ".join(f"Status = '{status}'" for status in self.statuses)
        if self.detect_reopens:  # active again after a resolution (RT keeps the date)
            statuses = f"{statuses} OR (Status = '__Active__' AND Resolved > '1970-01-02')"
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

    def mark(self, ref: str) -> str | None:
        """"<id>:<Creator>" of the ticket's last transaction: our own last step, just done."""
        items = self._transactions(f"ObjectType = 'RT::Ticket' AND ObjectId = {int(ref)}",
                                   order="DESC", per_page=1)
        return f"{items[0]['id']}:{_creator(items[0])}" if items else None

    def follow_up(self, ref: str, mark: str) -> TeamFollowUp | None:
        """The latest reply, comment or status change after the mark by anyone but us."""
        last, _, us = mark.partition(":")
        items = self._transactions(f"ObjectType = 'RT::Ticket' AND ObjectId = {int(ref)} "
                                   f"AND id > {int(last)}", order="ASC", per_page=100)
        theirs = [t for t in items if t.get("Type") in FOLLOW_UPS and _creator(t) != us]
        if not theirs:
            return None
        latest = theirs[-1]
        summary = FOLLOW_UPS[latest["Type"]].format(status=latest.get("NewValue") or "?")
        return TeamFollowUp(at=parse_time(latest["Created"]), summary=summary,
                            mark=f"{items[-1]['id']}:{us}")

    def _transactions(self, query: str, order: str, per_page: int) -> list[dict]:
        body = self.client.request("POST", "/transactions", data={"query": query}, params={
            "fields": "Type,Created,Creator,NewValue", "orderby": "id", "order": order,
            "per_page": per_page}).json()
        return body.get("items") or []


def _creator(transaction: dict) -> str:
    """The user's id (RT gives {"type": "user", "id": ...} or, unexpanded, the id itself)."""
    creator = transaction.get("Creator")
    return str(creator.get("id") if isinstance(creator, dict) else creator)


def build(spec: Spec) -> RequestTracker:
    return RequestTracker(spec.client(f"{spec.url}/REST/2.0",
                                      auth=TokenAuth("token", spec.secret())), spec)


LINK = "{url}/Ticket/Display.html?id={ref}"
