"""Push through a mapping vs our own signed format: 10,000 tickets each, through the Flask app.

Run: .venv/bin/python bench/bench_push_mapping.py [--count 10000] [--block 500] [--vendor jsm]
Both paths run in the same process on the same SQLite database, interleaved in blocks so a
burst of another process on the shared machine falls on both: the native path is
POST /v1/tickets/resolved (X-Signature, marshmallow, ResolveTicket); the mapped path is
POST /v1/tickets/resolved/<vendor> with the vendor's documented payload (its authentication,
JSON parse, JMESPath mapping, the same contract validation and the same ResolveTicket). Every
ticket is new and surveyed, so each request writes its decision and invitation.
Goal (issue #13): the mapping costs at most 20% over the native path.
"""
import argparse
import base64
import copy
import json
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from chassis.auth import hmac_sha256, sign_webhook
from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair
from survey_svc import bootstrap
from survey_svc.app import create_app
from survey_svc.config import Settings
from survey_svc.connectors.mapping import Mapping
from survey_svc.connectors.sources import load_push_sources
from survey_svc.domain.commands import SetPolicy

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "itsm"
SECRET = "bench-secret"
VENDORS = {  # source -> (mapping, fixture, auth table lines)
    "jsm": ("jira", "jira/automation_jira_format.json",
            'auth = "header"\nheader = "X-Automation-Secret"'),
    "servicenow": ("servicenow", "servicenow/incident_resolved.json",
                   'auth = "basic"\nusername = "survey-push"'),
    "glpi": ("glpi", "glpi/webhook_ticket_solved.json", 'auth = "glpi"'),
}


def native_body(n: int, at: datetime) -> bytes:
    return json.dumps({
        "ticket_id": f"NAT-{n}", "resolution": 1, "resolved_at": at.isoformat(),
        "requester": {"id": f"nat-{n}", "email": f"nat{n}@example.org", "name": "Pat"},
        "directorate": "Customer Services", "service": "Email", "category": "Software",
        "team": "Service Desk", "priority": "P3", "channel": "portal"}).encode()


def vendor_body(vendor: str, template: dict, n: int, at: datetime) -> bytes:
    data = copy.deepcopy(template)
    if vendor == "jsm":
        issue = data["issue"]
        issue["key"] = f"SP-{n}"
        issue["fields"]["reporter"].update(accountId=f"acc-{n}", emailAddress=f"jsm{n}@example.org")
        issue["fields"]["resolutiondate"] = at.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    elif vendor == "servicenow":
        rec = data["result"]
        rec.update({"number": f"INC{n:07d}", "caller_id.user_name": f"sn-{n}",
                    "caller_id.email": f"sn{n}@example.org",
                    "resolved_at": at.strftime("%Y-%m-%d %H:%M:%S")})
    else:
        item = data["item"]
        item["id"] = n
        item["team"][0]["name"] = f"glpi{n}@example.org"
        item["date_mod"] = at.isoformat()
    return json.dumps(data).encode()


def vendor_headers(vendor: str, body: bytes, now: float) -> dict:
    if vendor == "jsm":
        return {"X-Automation-Secret": SECRET}
    if vendor == "servicenow":
        return {"Authorization": "Basic " + base64.b64encode(f"survey-push:{SECRET}".encode()).decode()}
    stamp = str(int(now))
    return {"X-GLPI-signature": hmac_sha256(SECRET, body + stamp.encode()), "X-GLPI-timestamp": stamp}


def build(folder: str, vendor: str):
    mapping, _, auth = VENDORS[vendor]
    sources = Path(folder) / "connectors.toml"
    sources.write_text(f'[push.{vendor}]\nmapping = "{mapping}"\n{auth}\nsecret_env = "PUSH"\n')
    settings = Settings(webhook_secret=SECRET, admin_token="bench", reply_tag_key="bench",
                        signing_key=generate_keypair()[0],
                        database_url=f"sqlite:///{folder}/survey.db",
                        webhook_rate_limit="100000000 per minute")
    clock = FakeClock(datetime.now(timezone.utc).replace(microsecond=0))
    bus = bootstrap.build(settings, clock=clock, publisher=FakePublisher(),
                          push_sources=load_push_sources(str(sources), {"PUSH": SECRET}))
    bus.handle(SetPolicy("*", {"throttle_days": 0}, "bench"))
    return bus, create_app(bus).test_client(), clock


def run(count: int, block: int, vendor: str) -> None:
    template = json.loads((FIXTURES / VENDORS[vendor][1]).read_text())
    with tempfile.TemporaryDirectory() as folder:
        bus, client, clock = build(folder, vendor)
        now = clock.now()
        at = now - timedelta(hours=2)
        native = [native_body(n, at) for n in range(count)]
        mapped = [vendor_body(vendor, template, n, at) for n in range(count)]
        spent = {"native": [0.0, 0.0], "mapped": [0.0, 0.0]}  # cpu, wall
        accepted = {"native": 0, "mapped": 0}
        sig_time = int(now.timestamp())

        def post_native(body):
            return client.post("/v1/tickets/resolved", data=body, headers={
                "X-Signature": sign_webhook(SECRET, body, sig_time),
                "Content-Type": "application/json"})

        def post_mapped(body):
            return client.post(f"/v1/tickets/resolved/{vendor}", data=body, headers={
                **vendor_headers(vendor, body, now.timestamp()),
                "Content-Type": "application/json"})

        for start in range(0, count, block):
            for name, post, bodies in (("native", post_native, native),
                                       ("mapped", post_mapped, mapped)):
                cpu, wall = time.process_time(), time.perf_counter()
                for body in bodies[start:start + block]:
                    answer = post(body)
                    accepted[name] += answer.status_code == 202 and answer.json["surveyed"]
                spent[name][0] += time.process_time() - cpu
                spent[name][1] += time.perf_counter() - wall
        bus.close()
    mapping = Mapping.load(VENDORS[vendor][0])
    payloads = [json.loads(b) for b in mapped[:2000]]
    cpu = time.process_time()
    for payload in payloads:
        mapping.apply(payload)
    apply_us = (time.process_time() - cpu) / len(payloads) * 1e6
    report(count, vendor, spent, accepted, apply_us)


def report(count: int, vendor: str, spent: dict, accepted: dict, apply_us: float) -> None:
    print(f"{count} tickets each way, SQLite, Flask test client, vendor payload: {vendor}")
    for name, label in (("native", "our signed format  POST /v1/tickets/resolved"),
                        ("mapped", f"mapped push        POST /v1/tickets/resolved/{vendor}")):
        cpu, wall = spent[name]
        print(f"  {label}: {count / cpu:8.0f} tickets/s CPU, {count / wall:8.0f} tickets/s wall "
              f"({accepted[name]} surveyed)")
    cpu_ratio = spent["mapped"][0] / spent["native"][0]
    wall_ratio = spent["mapped"][1] / spent["native"][1]
    print(f"  mapped/native time: {cpu_ratio:.3f} CPU, {wall_ratio:.3f} wall "
          f"-> mapping cost {100 * (cpu_ratio - 1):+.1f}% CPU (goal <= +20%)")
    print(f"  mapping.apply alone: {apply_us:.1f} us per payload")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--block", type=int, default=500)
    parser.add_argument("--vendor", choices=sorted(VENDORS), default="jsm")
    args = parser.parse_args()
    run(args.count, args.block, args.vendor)


if __name__ == "__main__":
    main()
