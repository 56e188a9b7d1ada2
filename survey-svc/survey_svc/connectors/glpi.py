"""GLPI, legacy REST API (apirest.php): solved tickets in, private follow-ups and reopens out.

Docs: https://github.com/glpi-project/glpi/blob/10.0/bugfixes/apirest.md (also served at
<glpi>/apirest.php/). Auth: GET initSession with `App-Token` (app_token_env) and
`Authorization: user_token <token>` (secret_env); then `Session-Token` on every call.

- GET /search/Ticket?criteria[0][field]=12&...[value]=old (solved + closed)
  &criteria[1][field]=17&...[searchtype]=morethan&...[value]=<solvedate>&forcedisplay[]=2,12,17,19
  &sort=17&order=ASC&range=0-99 -> {"totalcount", "data": [{"2": id, "17": solvedate, ...}]}
- per ticket: GET /Ticket/<id>?expand_dropdowns=true, /Ticket/<id>/Ticket_User (type 1 =
  requester), /User/<id>, /User/<id>/UserEmail, /Ticket/<id>/ITILSolution (how many solutions:
  the resolution count). The record the mapping (glpi_rest) reads:
  {"ticket": {...}, "requester": {"name", "realname", "firstname", "email"}, "solutions": n}
- POST /ITILFollowup {"input": {"itemtype": "Ticket", "items_id": id, "content", "is_private": 1}}
- reopen: PUT /Ticket/<id> {"input": {"status": 2}} (Processing (assigned))
"""
import threading
from datetime import datetime, timedelta

from survey_svc.connectors.http import ApiClient, ItsmRefused
from survey_svc.connectors.pull import Pulled, Spec, keyset_pages, parse_time, query_time

STATUS, SOLVEDATE, ID, DATE_MOD = 12, 17, 2, 19  # Ticket search options
REQUESTER = 1  # Ticket_User.type


class Glpi:
    ordered = True

    def __init__(self, client: ApiClient, spec: Spec, user_token: str, app_token: str | None):
        self.client, self.spec = client, spec
        self.user_token, self.app_token = user_token, app_token
        self.reopen_status = int(spec.options.get("reopen_status", 2))
        self.session, self.lock = None, threading.Lock()

    def pages(self, since: datetime):
        return keyset_pages(self._page, since, self.spec.page_size)

    def _page(self, since: datetime, page: int) -> list[Pulled]:
        start = (page - 1) * self.spec.page_size
        # `morethan` is strict: a second earlier keeps the records of `since` itself
        after = query_time(since - timedelta(seconds=1), self.spec.timezone)
        params = {"criteria[0][field]": STATUS, "criteria[0][searchtype]": "equals",
                  "criteria[0][value]": "old", "criteria[1][link]": "AND",
                  "criteria[1][field]": SOLVEDATE, "criteria[1][searchtype]": "morethan",
                  "criteria[1][value]": after, "sort": SOLVEDATE, "order": "ASC",
                  "range": f"{start}-{start + self.spec.page_size - 1}",
                  **{f"forcedisplay[{i}]": o for i, o in enumerate((ID, STATUS, SOLVEDATE,
                                                                    DATE_MOD))}}
        try:
            body = self._call("GET", "/search/Ticket", params=params).json()
        except ItsmRefused as err:
            if "ERROR_RANGE_EXCEED_TOTAL" in str(err):  # a page past the end
                return []
            raise
        rows = body.get("data") or []
        rows = list(rows.values()) if isinstance(rows, dict) else rows
        return [self._record(row) for row in rows if row.get(str(SOLVEDATE))]

    def _record(self, row: dict) -> Pulled:
        ticket_id = int(row[str(ID)])
        ticket = self._call("GET", f"/Ticket/{ticket_id}",
                            params={"expand_dropdowns": "true"}).json()
        solutions = self._call("GET", f"/Ticket/{ticket_id}/ITILSolution").json()
        record = {"ticket": ticket, "requester": self._requester(ticket_id),
                  "solutions": max(1, len(solutions or []))}
        return Pulled(ref=str(ticket_id), payload=record,
                      moment=parse_time(row[str(SOLVEDATE)], self.spec.timezone))

    def _requester(self, ticket_id: int) -> dict:
        links = self._call("GET", f"/Ticket/{ticket_id}/Ticket_User").json() or []
        link = next((x for x in links if int(x.get("type", 0)) == REQUESTER), None)
        if link is None:
            return {}
        if not int(link.get("users_id") or 0):  # an address-only requester
            return {"email": link.get("alternative_email") or None}
        user_id = int(link["users_id"])
        user = self._call("GET", f"/User/{user_id}").json()
        emails = self._call("GET", f"/User/{user_id}/UserEmail").json() or []
        default = next((e for e in emails if e.get("is_default")), emails[0] if emails else {})
        return {"id": user_id, "name": user.get("name"), "realname": user.get("realname"),
                "firstname": user.get("firstname"),
                "email": link.get("alternative_email") or default.get("email")}

    def add_note(self, ref: str, text: str) -> None:
        self._call("POST", "/ITILFollowup", json={"input": {
            "itemtype": "Ticket", "items_id": int(ref), "content": text, "is_private": 1}})

    def reopen(self, ref: str) -> None:
        self._call("PUT", f"/Ticket/{int(ref)}", json={"input": {"status": self.reopen_status}})

    def _call(self, method: str, path: str, **kwargs):
        """With a session (opened on first use; once more when GLPI says it expired)."""
        for attempt in (1, 2):
            try:
                return self.client.request(method, path, headers=self._headers(), **kwargs)
            except ItsmRefused as err:
                if err.status != 401 or attempt == 2:
                    raise
                self.session = None

    def _headers(self) -> dict:
        with self.lock:
            if self.session is None:
                self.session = self.client.get_json("/initSession", headers={
                    **self._app(), "Authorization": f"user_token {self.user_token}"}
                )["session_token"]
        return {**self._app(), "Session-Token": self.session}

    def _app(self) -> dict:
        return {"App-Token": self.app_token} if self.app_token else {}


def build(spec: Spec) -> Glpi:
    client = spec.client(f"{spec.url}/apirest.php",
                         headers={"Content-Type": "application/json"})
    app = spec.secret(spec.app_token_env) if spec.app_token_env else None
    return Glpi(client, spec, spec.secret(), app)


LINK = "{url}/front/ticket.form.php?id={ref}"
