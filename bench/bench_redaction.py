"""Redaction cost (CPU µs per comment) against the redaction of commit b9f21ee, in the same run.

Run: .venv/bin/python bench/bench_redaction.py [--n 3000] [--repeat 5] [--profile]
Three workloads: the redaction evaluation set (each row with its requester), and realistic
service-desk comments with no requester name and with a new requester name per comment (the
pipeline's case: every response has its own requester, so no cached name pattern helps).
"""
from __future__ import annotations

import argparse
import cProfile
import importlib.util
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis_svc.adapters.text import redaction
from analysis_svc.adapters.text.evaluate import load as load_feedback
from analysis_svc.adapters.text.redaction_eval import load as load_eval

BASELINE = "b9f21ee"
ROOT = Path(__file__).resolve().parent.parent
SOURCE = "analysis-svc/analysis_svc/adapters/text/redaction.py"


def baseline_module():
    """The redaction module as it was at BASELINE, loaded from git into a temporary module."""
    source = subprocess.run(["git", "show", f"{BASELINE}:{SOURCE}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "redaction_b9f21ee.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("redaction_b9f21ee", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def requesters(rows: list[dict], count: int, seed: int) -> list[str]:
    """count distinct 'First Last' names built from the evaluation set's requesters."""
    firsts = sorted({r["requester"].split()[0] for r in rows})
    lasts = sorted({r["requester"].split()[-1] for r in rows})
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        seen.add(f"{rng.choice(firsts)} {rng.choice(lasts)}")
    return sorted(seen, key=lambda _: rng.random())


def workloads(n: int, repeat: int) -> dict[str, list[list[tuple[str, tuple[str, ...]]]]]:
    """Per workload, one list of (text, names) per round; new requesters each round where named.

    One round more than timed: the profile runs on it, so its requesters are new too.
    """
    repeat += 1
    rows = load_eval("all")
    rng = random.Random(0)
    base = [r["text"] for r in load_feedback()]
    desk = [" ".join(rng.sample(base, rng.randint(1, 3))) for _ in range(n)]
    people = requesters(rows, n * repeat, seed=1)
    evalset = [(r["text"], (r["requester"],)) for r in rows]
    return {
        "evaluation set (with requester)": [evalset] * repeat,
        "service desk, no requester name": [[(t, ()) for t in desk]] * repeat,
        "service desk, new requester each": [
            [(t, (people[k * n + i],)) for i, t in enumerate(desk)] for k in range(repeat)],
    }


def best_us(systems: dict, rounds: list[list[tuple[str, tuple[str, ...]]]]) -> dict[str, float]:
    """Best CPU µs per comment of each system, rounds interleaved (the machine is shared)."""
    best = {name: float("inf") for name in systems}
    for batch in rounds[:-1]:
        for name, redact in systems.items():
            start = time.process_time()
            for text, names in batch:
                redact(text, names)
            best[name] = min(best[name], (time.process_time() - start) / len(batch) * 1e6)
    return best


def check_same_as_baseline(old, rounds) -> int:
    """How many comments the two redactions write differently (new kinds make some differ)."""
    return sum(old.redact(t, n) != redaction.redact(t, n) for t, n in rounds[0])


def profile(rounds) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for text, names in rounds[-1]:
        redaction.redact(text, names)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(18)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the current redaction per workload")
    args = parser.parse_args()
    old = baseline_module()
    redaction.redact("warm up: Dave Smith rang 01632 960001", ("Jane Smith",))  # load the gazetteer
    systems = {f"redaction at {BASELINE}": old.redact, "redaction now": redaction.redact}
    print(f"{'workload':36} {BASELINE + ' µs':>12} {'now µs':>9} {'now/old':>8}  differ")
    for label, rounds in workloads(args.n, args.repeat).items():
        us = best_us(systems, rounds)
        then, now = us[f"redaction at {BASELINE}"], us["redaction now"]
        print(f"{label:36} {then:12.1f} {now:9.1f} {now / then:7.2f}x  {check_same_as_baseline(old, rounds)}")
        if args.profile:
            profile(rounds)


if __name__ == "__main__":
    main()
