"""ServiceNow, Table API: resolved incidents (or another table) in, work notes and reopens out.

Docs: https://developer.servicenow.com/dev.do#!/reference/api/latest/rest/c_TableAPI
Auth: HTTP Basic (username + secret_env's password) for an integration user with the itil role.

- GET /api/now/table/<table>?sysparm_query=<query>^sys_updated_on>=<t>^ORDERBYsys_updated_on
  &sysparm_fields=...&sysparm_limit=N&sysparm_offset=M&sysparm_exclude_reference_link=true
  -> {"result": [...]}; dates are "YYYY-MM-DD HH:MM:SS" in UTC (the API's internal values)
- PATCH /api/now/table/<table>/<sys_id> {"work_notes": "..."}; reopen {"state": "2"}
"""
from datetime import datetime
from urllib.parse import quote

from survey_svc.connectors.http import ApiClient
from survey_svc.connectors.pull import Pulled, Spec, keyset_pages, parse_time, query_time

FIELDS = ("sys_id,number,state,reopen_count,resolved_at,sys_updated_on,caller_id,"
          "caller_id.user_name,caller_id.email,caller_id.name,assignment_group,"
          "assignment_group.name,business_service.name,category,priority,contact_type")


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

    def add_note(self, ref: str, text: str) -> None:
        self.client.request("PATCH", f"/api/now/table/{self.table}/{quote(ref, safe='')}",
                            json={self.note_field: text})

    def reopen(self, ref: str) -> None:
        self.client.request("PATCH", f"/api/now/table/{self.table}/{quote(ref, safe='')}",
                            json={"state": self.reopen_state})


def build(spec: Spec) -> ServiceNow:
    return ServiceNow(spec.client(spec.url, auth=(spec.username or "", spec.secret())), spec)


LINK = "{url}/nav_to.do?uri=incident.do?sys_id={ref}"
