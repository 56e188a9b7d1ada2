"""ServiceNow, Table API: resolved incidents (or another table) in, work notes and reopens out.

Docs: https://developer.servicenow.com/dev.do#!/reference/api/latest/rest/c_TableAPI
Auth: HTTP Basic (username + secret_env's password) for an integration user with the itil role.

- GET /api/now/table/<table>?sysparm_query=<query>^sys_updated_on>=<t>^ORDERBYsys_updated_on
  &sysparm_fields=...&sysparm_limit=N&sysparm_offset=M&sysparm_exclude_reference_link=true
  -> {"result": [...]}; dates are "YYYY-MM-DD HH:MM:SS" in UTC (the API's internal values)
- PATCH /api/now/table/<table>/<sys_id> {"work_notes": "..."}; reopen {"state": "2"}; each
  answers {"result": {..., "sys_updated_on"}}: the mark the team's follow-up comes after
- The team's follow-up: GET /api/now/table/<table>/<sys_id>?sysparm_fields=sys_updated_on,
  sys_updated_by,state: updated after the mark by another user than ours
"""
from datetime import datetime
from urllib.parse import quote

from survey_svc.connectors.http import ApiClient
from survey_svc.connectors.pull import Pulled, Spec, keyset_pages, parse_time, query_time
from survey_svc.domain.writeback import TeamFollowUp

FIELDS = ("sys_id,number,state,reopen_count,resolved_at,sys_updated_on,caller_id,"
          "caller_id.user_name,caller_id.email,caller_id.name,assignment_group,"
          "assignment_group.name,business_service.name,category,priority,contact_type")
RESOLVED_STATES = {"6": "Resolved", "7": "Closed"}


class ServiceNow:
    ordered = True

    def __init__(self, client: ApiClient, spec: Spec):
        self.client, self.spec = client, spec
        self.table = spec.options.get("table", "incident")
        self.query = spec.options.get("query", "stateIN6,7")  # 6 Resolved, 7 Closed
        self.fields = spec.options.get("fields", FIELDS)
        self.note_field = spec.options.get("note_field", "work_notes")  # or "comments"
        self.reopen_state = str(spec.options.get("reopen_state", "2"))  # 2 In Progress

    def pages(self, since: datetime):
        return keyset_pages(self._page, since, self.spec.page_size)

    def _page(self, since: datetime, page: int) -> list[Pulled]:
        # the query's dates are read in the integration user's timezone (`timezone`)
        query = (f"{self.query}^sys_updated_on>={query_time(since, self.spec.timezone)}"
                 "^ORDERBYsys_updated_on^ORDERBYsys_id")
        body = self.client.get_json(f"/api/now/table/{self.table}", params={
            "sysparm_query": query, "sysparm_fields": self.fields,
            "sysparm_display_value": "false", "sysparm_exclude_reference_link": "true",
            "sysparm_limit": self.spec.page_size,
            "sysparm_offset": (page - 1) * self.spec.page_size})
        return [Pulled(ref=item["sys_id"], payload=item,
                       moment=parse_time(item["sys_updated_on"]))
                for item in body.get("result") or []]

    def add_note(self, ref: str, text: str) -> str | None:
        return _updated_on(self.client.request(
            "PATCH", self._record(ref), json={self.note_field: text}))

    def reopen(self, ref: str) -> str | None:
        return _updated_on(self.client.request(
            "PATCH", self._record(ref), json={"state": self.reopen_state}))

    def follow_up(self, ref: str, mark: str) -> TeamFollowUp | None:
        """The record updated after the mark by someone else than our integration user."""
        record = self.client.get_json(self._record(ref), params={
            "sysparm_fields": "sys_updated_on,sys_updated_by,state",
            "sysparm_exclude_reference_link": "true"}).get("result") or {}
        updated = record.get("sys_updated_on") or ""
        # "YYYY-MM-DD HH:MM:SS" in UTC: the text orders as the time does
        if updated <= mark or record.get("sys_updated_by") == self.spec.username:
            return None
        state = RESOLVED_STATES.get(str(record.get("state")))
        summary = f"{state} in ServiceNow" if state else "Updated in ServiceNow"
        return TeamFollowUp(at=parse_time(updated), summary=summary, mark=updated)

    def _record(self, ref: str) -> str:
        return f"/api/now/table/{self.table}/{quote(ref, safe='')}"


def _updated_on(response) -> str | None:
    try:
        return (response.json().get("result") or {}).get("sys_updated_on")
    except (ValueError, AttributeError):
        return None


def build(spec: Spec) -> ServiceNow:
    return ServiceNow(spec.client(spec.url, auth=(spec.username or "", spec.secret())), spec)


LINK = "{url}/nav_to.do?uri=incident.do?sys_id={ref}"
