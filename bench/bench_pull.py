"""Poll 10,000 resolved tickets from a local RT-shaped API vs our own signed format, same run.

Run: .venv/bin/python bench/bench_pull.py [--count 10000] [--block 1000] [--per-page 100]
The RT stand-in runs in its own process (so this process's CPU is survey-svc's alone) and
answers REST2's GET /tickets (TicketSQL `LastUpdated >= '...'`, orderby LastUpdated, page,
per_page; items shaped like tests/fixtures/itsm/rt/pull_tickets_search.json, Request Tracker
5.0.3's own answer) and POST /transactions (each ticket's Status -> resolved transactions).
Tickets are resolved `--block` at a time; after each block both paths take it in: the pull
connector polls from its checkpoint (HTTP, JSON, the rt mapping, ResolveTicket, checkpoint),
and the native path POSTs the same number of our own signed tickets to /v1/tickets/resolved
through the Flask app. One SQLite database; every ticket new and surveyed.
"""
import argparse
import copy
import json
import multiprocessing
import re
import tempfile
import time
from bisect import bisect_left
from datetime import datetime, timedelta, timezone
from pathlib import Path

FIXTURE = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "itsm" / "rt"
           / "pull_tickets_search.json")
SECRET = "bench-secret"
START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
SINCE = re.compile(r"LastUpdated >= '([^']+)'")
OBJECT_ID = re.compile(r"ObjectId = (\d+)")


def rt_tickets(count: int) -> list[dict]:
    """RT's items, one a second from START, each its own requester."""
    template = json.loads(FIXTURE.read_text())["items"][0]
    tickets = []
    for n in range(1, count + 1):
        item, at = copy.deepcopy(template), START + timedelta(seconds=n)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        email = f"resident{n}@example.org"
        item.update(id=str(n), _url=f"https://rt.example.org/REST/2.0/ticket/{n}",
                    Resolved=stamp, LastUpdated=stamp, Subject=f"Ticket {n}")
        item["Requestor"] = [{**item["Requestor"][0], "id": email, "Name": email,
                              "EmailAddress": email, "RealName": f"Resident {n}"}]
        tickets.append(item)
    return tickets


def serve_rt(port: int, count: int, visible, ready) -> None:
    """The RT stand-in (a child process): `visible` tickets are resolved so far."""
    import logging

    from devkit.stub_api import StubApi
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    tickets = rt_tickets(count)
    moments = [t["LastUpdated"] for t in tickets]

    def answer(request):
        if request.path == "/REST/2.0/tickets":
            since = SINCE.search(request.args["query"]).group(1).replace(" ", "T") + "Z"
            page, per_page = int(request.args["page"]), int(request.args["per_page"])
            shown = tickets[bisect_left(moments, since):visible.value]
            items = shown[(page - 1) * per_page:page * per_page]
            return 200, {"count": len(items), "page": page, "per_page": per_page,
                         "total": len(shown), "pages": -(-len(shown) // per_page),
                         "items": items}
        ids = OBJECT_ID.findall(request.form["query"])  # POST /REST/2.0/transactions
        page, per_page = int(request.args["page"]), int(request.args["per_page"])
        items = [{"type": "transaction", "id": str(100000 + int(i)), "ObjectId": i,
                  "_url": f"https://rt.example.org/REST/2.0/transaction/{100000 + int(i)}"}
                 for i in ids][(page - 1) * per_page:page * per_page]
        return 200, {"count": len(items), "page": page, "per_page": per_page, "total": None,
                     "pages": None, "items": items}

    StubApi(answer, port=port, record=False).start()
    ready.set()
    while True:
        time.sleep(3600)


def build(folder: str, url: str, per_page: int):
    from chassis.testing import FakeClock, FakePublisher
    from chassis.tokens import generate_keypair
    from survey_svc import bootstrap
    from survey_svc.app import create_app
    from survey_svc.config import Settings
    from survey_svc.connectors.pull import load_pull_connectors
    from survey_svc.domain.commands import SetPolicy
    connectors = Path(folder) / "connectors.toml"
    connectors.write_text(f'[pull.rt]\nkind = "rt"\nurl = "{url}"\nsecret_env = "RT_TOKEN"\n'
                          f'rate = 0\npage_size = {per_page}\nstart = "{START:%Y-%m-%d}"\n')
    settings = Settings(webhook_secret=SECRET, admin_token="bench", reply_tag_key="bench",
                        signing_key=generate_keypair()[0],
                        database_url=f"sqlite:///{folder}/survey.db",
                        webhook_rate_limit="100000000 per minute")
    clock = FakeClock(datetime.now(timezone.utc).replace(microsecond=0))
    bus = bootstrap.build(settings, clock=clock, publisher=FakePublisher(),
                          connectors=load_pull_connectors(str(connectors), {"RT_TOKEN": "t"}))
    bus.handle(SetPolicy("*", {"throttle_days": 0}, "bench"))
    return bus, create_app(bus).test_client(), clock


def native_body(n: int, at: datetime) -> bytes:
    return json.dumps({
        "ticket_id": f"NAT-{n}", "resolution": 1, "resolved_at": at.isoformat(),
        "requester": {"id": f"nat-{n}", "email": f"nat{n}@example.org", "name": "Pat"},
        "directorate": "Customer Services", "service": "Email", "category": "Software",
        "team": "Service Desk", "priority": "P3", "channel": "portal"}).encode()


def run(count: int, block: int, per_page: int) -> None:
    from chassis.auth import sign_webhook
    from devkit.procs import free_port
    from survey_svc.domain.commands import PollConnector
    port, visible = free_port(), multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve_rt, args=(port, count, visible, ready),
                                     daemon=True)
    server.start()
    ready.wait(60)
    spent = {"pull": [0.0, 0.0], "native": [0.0, 0.0]}  # cpu, wall
    surveyed = {"pull": 0, "native": 0}
    try:
        with tempfile.TemporaryDirectory() as folder:
            bus, client, clock = build(folder, f"http://127.0.0.1:{port}", per_page)
            at, stamp = clock.now() - timedelta(hours=2), int(clock.now().timestamp())
            for start in range(0, count, block):
                visible.value = min(count, start + block)  # RT resolves the next block
                cpu, wall = time.process_time(), time.perf_counter()
                result = bus.handle(PollConnector("rt"))
                _add(spent["pull"], cpu, wall)
                surveyed["pull"] += result.surveyed
                bodies = [native_body(n, at) for n in range(start, visible.value)]
                cpu, wall = time.process_time(), time.perf_counter()
                for body in bodies:
                    answer = client.post("/v1/tickets/resolved", data=body, headers={
                        "X-Signature": sign_webhook(SECRET, body, stamp),
                        "Content-Type": "application/json"})
                    surveyed["native"] += answer.status_code == 202 and answer.json["surveyed"]
                _add(spent["native"], cpu, wall)
            bus.close()
    finally:
        server.terminate()
    report(count, block, per_page, spent, surveyed)


def _add(total: list, cpu: float, wall: float) -> None:
    total[0] += time.process_time() - cpu
    total[1] += time.perf_counter() - wall


def report(count: int, block: int, per_page: int, spent: dict, surveyed: dict) -> None:
    print(f"{count} resolved tickets each way, {block} per poll, per_page {per_page}, SQLite")
    for name, label in (("native", "our signed format  POST /v1/tickets/resolved"),
                        ("pull", "RT pull connector  GET /REST/2.0/tickets + transactions")):
        cpu, wall = spent[name]
        print(f"  {label}: {count / cpu:8.0f} tickets/s CPU, {count / wall:8.0f} tickets/s wall "
              f"({surveyed[name]} surveyed)")
    print(f"  pull/native time: {spent['pull'][0] / spent['native'][0]:.3f} CPU, "
          f"{spent['pull'][1] / spent['native'][1]:.3f} wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--block", type=int, default=1_000)
    parser.add_argument("--per-page", type=int, default=100)
    args = parser.parse_args()
    run(args.count, args.block, args.per_page)


if __name__ == "__main__":
    main()
