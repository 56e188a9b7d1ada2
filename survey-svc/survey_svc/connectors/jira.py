"""Jira Service Management (Cloud): resolved requests in, internal comments and reopens out.

Docs: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/
      #api-rest-api-3-search-jql-get (the enhanced search; /rest/api/3/search is retired)
      https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/
      #api-rest-servicedeskapi-request-issueidorkey-comment-post
Auth: HTTP Basic, the account's email (username) and an API token (secret_env).

- GET /rest/api/3/search/jql?jql=<JQL>&fields=...&maxResults=N[&nextPageToken=...]
  -> {"issues": [...], "nextPageToken": "...", "isLast": false}
- POST /rest/servicedeskapi/request/<key>/comment {"body": "...", "public": false}
- reopen: POST /rest/api/3/issue/<key>/transitions {"transition": {"id": "<reopen_transition>"}}
"""
from datetime import datetime
from urllib.parse import quote

from survey_svc.connectors.http import ApiClient
from survey_svc.connectors.pull import Pulled, Spec, floor_minute, parse_time, query_time

FIELDS = ("summary,status,resolution,resolutiondate,updated,reporter,project,issuetype,"
          "priority,customfield_10010,customfield_10031")


class Jira:
    ordered = True

    def __init__(self, client: ApiClient, spec: Spec):
        self.client, self.spec = client, spec
        self.filter = spec.options.get("jql", "")  # e.g. 'project = SP'
        self.fields = spec.options.get("fields", FIELDS)
        self.public = bool(spec.options.get("public_comment", False))
        self.transition = spec.options.get("reopen_transition")

    def jql(self, since: datetime) -> str:
        # JQL dates have minute precision and are read in the API user's timezone
        moment = query_time(floor_minute(since), self.spec.timezone, "%Y-%m-%d %H:%M")
        scope = f"({self.filter}) AND " if self.filter else ""
        return f'{scope}resolutiondate >= "{moment}" ORDER BY resolutiondate ASC, key ASC'

    def pages(self, since: datetime):
        params = {"jql": self.jql(since), "fields": self.fields,
                  "maxResults": self.spec.page_size}
        while True:
            body = self.client.get_json("/rest/api/3/search/jql", params=params)
            issues = [issue for issue in body.get("issues") or []
                      if (issue.get("fields") or {}).get("resolutiondate")]
            if issues:
                yield [Pulled(ref=issue["key"], payload=issue,
                              moment=parse_time(issue["fields"]["resolutiondate"]))
                       for issue in issues]
            token = body.get("nextPageToken")
            if body.get("isLast", not token) or not token:
                return
            params = {**params, "nextPageToken": token}

    def add_note(self, ref: str, text: str) -> None:
        self.client.request("POST", f"/rest/servicedeskapi/request/{quote(ref, safe='')}/comment",
                            json={"body": text, "public": self.public})

    def reopen(self, ref: str) -> None:
        if not self.transition:
            raise ValueError(f"pull.{self.spec.name}: options.reopen_transition is not set")
        self.client.request("POST", f"/rest/api/3/issue/{quote(ref, safe='')}/transitions",
                            json={"transition": {"id": str(self.transition)}})


def build(spec: Spec) -> Jira:
    return Jira(spec.client(spec.url, auth=(spec.username or "", spec.secret())), spec)


LINK = "{url}/browse/{ref}"
