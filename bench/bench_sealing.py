"""What crypto-shredding costs: the pipeline with personal fields sealed and opened, against the
same pipeline without, measured in the same run (no broker: the CPU the suite's own code spends).

Three stages, each run unsealed (Unsealed: what a bus without a master key does) and sealed (a
KeyVault on SQLite), on fresh databases, BENCH_N answers (default 5,000) in batches of BENCH_BATCH
(500), about one person per 1.5 answers over three months, so most answers need a new key:
  - events: build response.submitted, seal, encode; decode, open (the contract path alone);
  - ingest: bus.handle(SubmitAnswers) of a batch, delivered to a publisher that keeps nothing
    (answers stored in SQLite, events sealed before delivery);
  - analysis: bus.handle(ConsumeBatch) of a batch with the real analyser (open the comments,
    score, store, roll up, seal the response.scored comments published).
Prints per stage: us per answer (wall and CPU) both ways and the ratio sealed / unsealed, the
best of BENCH_ROUNDS (3) alternating rounds (a shared machine's other load only ever adds).
"""
import os
import random
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

N = int(os.environ.get("BENCH_N", 5_000))
BATCH = int(os.environ.get("BENCH_BATCH", 500))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
MASTER = "bench-only-master-key-0123456789abcdef0123"
START = datetime(2026, 6, 1, tzinfo=timezone.utc)
COMMENTS = ["Fixed quickly, thank you", "Took ages and nobody called back",
            "Still not working after the reset", "Lovely engineer, sorted my laptop in minutes",
            "Password reset was easy through the portal", "VPN keeps dropping, very frustrating"]


def answers(seed: int = 7) -> list[tuple]:
    """(subject, submitted_at, score, comment) for N answers."""
    rng = random.Random(seed)
    people = [uuid.uuid4().hex * 2 for _ in range(int(N / 1.5))]
    return [(rng.choice(people), START + timedelta(hours=rng.randrange(90 * 24)),
             rng.randint(1, 5), rng.choice(COMMENTS) if rng.random() < 0.7 else None)
            for _ in range(N)]


def batches(items: list) -> list[list]:
    return [items[i:i + BATCH] for i in range(0, len(items), BATCH)]


def vaults(tmp: str, name: str):
    from chassis.privacy.settings import Unsealed
    from chassis.privacy.vault import KeyVault
    return {"unsealed": Unsealed(),
            "sealed": KeyVault.from_url(f"sqlite:///{tmp}/{name}-vault.db", MASTER)}


def timed(run) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def response_envelope(subject, at, score, comment):
    from contracts.envelope import make_envelope
    return make_envelope("response.submitted", {
        "directorate": "Adults", "service": "Email", "team": "Desk",
        "response_id": uuid.uuid4().hex, "invitation_id": uuid.uuid4().hex, "version": 1,
        "score": score, "comment": comment, "channel": "email_link", "submitted_at": at,
        "subject": subject}, "bench")


def events_stage(vault, items) -> None:
    from chassis.privacy.envelopes import open_envelopes, seal_envelopes
    from contracts.envelope import decode, encode
    for batch in batches(items):
        envelopes = [response_envelope(*item) for item in batch]
        envelopes = seal_envelopes(envelopes, vault, [e.data["subject"] for e in envelopes],
                                   [e.data["submitted_at"] for e in envelopes])
        values = [encode(e) for e in envelopes]
        open_envelopes([decode(v) for v in values], vault)


def ingest_stage(tmp: str, name: str, vault, items) -> callable:
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    from ingest_svc.domain import commands
    from ingest_svc.domain.model import Answer, Cohort, Invitation

    class Keeps:
        def publish_raw(self, messages):
            pass

        def close(self):
            pass

    bus = build(Settings(survey_verify_key="unused", secret_key="unused", reply_tag_key="k",
                         database_url=f"sqlite:///{tmp}/{name}-ingest.db",
                         spool_dir=f"{tmp}/{name}-spool"), publisher=Keeps(), key_vault=vault)
    invitations = []
    for subject, at, _, _ in items:
        inv = Invitation(uuid.uuid4().hex, Cohort("Adults", "Email"), "INC1", invitee=subject)
        bus.handle(commands.RecordInvitation(inv))
        invitations.append(inv)

    def run() -> None:
        for batch in batches(list(zip(invitations, items))):
            bus.handle(commands.SubmitAnswers(tuple(commands.SubmitSourceAnswer(
                inv, Answer(score, None, comment), "phone", "api:phone", None)
                for inv, (_, _, score, comment) in batch)))
    return run, bus


def analysis_stage(tmp: str, name: str, vault, items) -> callable:
    from chassis.privacy.envelopes import seal_envelopes
    from chassis.privacy.vault import KeyVault
    from chassis.testing import FakePublisher
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    from analysis_svc.domain.commands import ConsumeBatch
    from analysis_svc.entrypoints.worker import load_analyser
    from analysis_svc.testing import record

    bus = build(Settings(database_url=f"sqlite:///{tmp}/{name}-analysis.db", model_dir=""),
                publisher=FakePublisher(), key_vault=vault)
    load_analyser(bus)
    # ingest-svc sealed them (its own vault instance: this bus starts with a cold cache)
    producer = KeyVault(vault.engine, MASTER) if isinstance(vault, KeyVault) else vault
    envelopes = [response_envelope(*item) for item in items]
    envelopes = seal_envelopes(envelopes, producer, [e.data["subject"] for e in envelopes],
                               [e.data["submitted_at"] for e in envelopes])
    records = [record(e, offset=i) for i, e in enumerate(envelopes)]

    def run() -> None:
        for batch in batches(records):
            bus.handle(ConsumeBatch(batch))
            bus.publisher.published.clear()
    return run, bus


def report(stage: str, results: dict) -> None:
    (plain_wall, plain_cpu), (sealed_wall, sealed_cpu) = results["unsealed"], results["sealed"]
    per = 1e6 / N
    print(f"{stage:9} unsealed {plain_wall * per:8.1f} us/answer (cpu {plain_cpu * per:8.1f})"
          f"   sealed {sealed_wall * per:8.1f} us/answer (cpu {sealed_cpu * per:8.1f})"
          f"   ratio {sealed_wall / plain_wall:5.2f}x wall, {sealed_cpu / plain_cpu:5.2f}x cpu")


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The least wall and CPU time of the rounds: the machine's other load only ever adds."""
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


def main() -> None:
    items = answers()
    tmp = tempfile.mkdtemp(prefix="bench-sealing-")
    print(f"{N} answers, batches of {BATCH}, {len({i[0] for i in items})} people over three "
          f"months; best of {ROUNDS} alternating rounds, each on fresh databases and vaults")
    stages = {"events": None, "ingest": ingest_stage, "analysis": analysis_stage}
    for stage, make in stages.items():
        runs = {"unsealed": [], "sealed": []}
        for round_ in range(ROUNDS):
            for name, vault in vaults(tmp, f"{stage}-{round_}").items():
                if make is None:
                    runs[name].append(timed(lambda: events_stage(vault, items)))
                    continue
                # ingest: a fresh vault, every key made as answers come; analysis: opens them
                run, bus = make(tmp, f"{stage}-{name}-{round_}", vault, items)
                runs[name].append(timed(run))
                bus.close()
        report(stage, {name: best(found) for name, found in runs.items()})


if __name__ == "__main__":
    main()
