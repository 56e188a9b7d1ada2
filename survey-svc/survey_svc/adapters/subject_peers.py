"""What ingest-svc and analysis-svc hold about a person, asked over their admin APIs (HTTP with
the shared ADMIN_TOKEN): personal data must not go on Kafka. Timeouts bound every call; a
connection failure, a timeout or a 5xx is retried a few times with backoff (tenacity)."""
import requests
from tenacity import (Retrying, retry_if_exception_type, stop_after_attempt,
                      wait_exponential)

from survey_svc.domain.subject_access import PeerUnavailable

PATH = "/v1/admin/subject-data"


class _Transient(Exception):
    pass


class HttpSubjectPeer:
    """One service's `POST /v1/admin/subject-data`."""

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 10.0, attempts: int = 3,
                 session: requests.Session | None = None, backoff_s: float = 0.2):
        self.url = base_url.rstrip("/") + PATH
        self.token, self.timeout_s, self.attempts = token, timeout_s, attempts
        self.session, self.backoff_s = session or requests.Session(), backoff_s

    def held(self, subjects: list[str], invitation_ids: list[str], actor: str) -> dict[str, list]:
        """Its records by kind; raises PeerUnavailable."""
        retrying = Retrying(stop=stop_after_attempt(self.attempts), reraise=True,
                            wait=wait_exponential(multiplier=self.backoff_s, max=5 * self.backoff_s),
                            retry=retry_if_exception_type(_Transient))
        try:
            return retrying(self._post, {"subjects": subjects, "invitation_ids": invitation_ids},
                            actor)
        except _Transient as err:
            raise PeerUnavailable(str(err)) from None

    def _post(self, body: dict, actor: str) -> dict[str, list]:
        try:
            response = self.session.post(self.url, json=body, timeout=self.timeout_s, headers={
                "Authorization": f"Bearer {self.token}", "X-Actor": actor[:100]})
        except requests.Timeout:
            raise _Transient(f"no answer within {self.timeout_s:g} s") from None
        except requests.RequestException as err:
            raise _Transient(f"unreachable ({type(err).__name__})") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise _Transient(f"answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise PeerUnavailable(f"refused with HTTP {response.status_code}")
        try:
            return dict(response.json()["records"])
        except (ValueError, KeyError, TypeError):
            raise PeerUnavailable("answered with something other than its records") from None


def peers_from_settings(settings) -> dict[str, HttpSubjectPeer]:
    """The peers whose admin URL is set (INGEST_ADMIN_URL, ANALYSIS_ADMIN_URL)."""
    urls = {"ingest-svc": settings.ingest_admin_url, "analysis-svc": settings.analysis_admin_url}
    return {name: HttpSubjectPeer(url, settings.admin_token,
                                  timeout_s=settings.subject_access_timeout_s)
            for name, url in urls.items() if url}
