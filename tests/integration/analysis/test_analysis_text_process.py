"""The analyser across real processes: the evaluation script, and a learned model surviving kill -9."""
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from analysis_svc.adapters.text import build_analyser
from analysis_svc.adapters.text.analyser import MODEL_FILE

pytestmark = pytest.mark.integration

LEARNER = textwrap.dedent("""
    import random, sys
    from analysis_svc.adapters.text import build_analyser
    rng = random.Random(0)
    analyser = build_analyser(sys.argv[1])
    rounds = int(sys.argv[2])
    i = 0
    while rounds < 0 or i < rounds:
        texts = [f"the laptop was {w}" for w in rng.choices(["zorbly", "grobbly", "collected"], k=50)]
        scores = [5 if "zorbly" in t else 1 if "grobbly" in t else 3 for t in texts]
        analyser.learn(texts, scores)
        i += 1
    print(analyser.analyse("the laptop was zorbly").compound)
""")


def run(*args, timeout=120):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, check=True)


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_evaluation_script_reports_macro_f1_and_beats_vader_on_held_out():
    out = run("-m", "analysis_svc.adapters.text.evaluate", "--quiet").stdout
    test_block = re.search(r"== test .*?(?=\n== |\Z)", out, re.S).group(0)
    scores = dict(re.findall(r"^(nltk VADER|IT analyser)\s+macro-F1 ([0-9.]+)", test_block, re.M))
    assert float(scores["IT analyser"]) > float(scores["nltk VADER"])


def test_a_restarted_process_keeps_what_another_learned(tmp_path):
    learned = float(run("-c", LEARNER, str(tmp_path), "40").stdout)
    reloaded = build_analyser(tmp_path)
    assert reloaded.model.n_seen == 2000
    assert reloaded.analyse("the laptop was zorbly").compound == pytest.approx(learned)
    assert reloaded.analyse("the laptop was zorbly").label == "positive"


def test_kill_9_while_learning_leaves_a_loadable_model(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", LEARNER, str(tmp_path), "-1"])
    try:
        assert wait_for(lambda: (tmp_path / MODEL_FILE).exists(), timeout=60)
        first = build_analyser(tmp_path).model.n_seen
        assert wait_for(lambda: build_analyser(tmp_path).model.n_seen > first, timeout=60)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    survivor = build_analyser(tmp_path)
    assert survivor.model.n_seen > 0 and survivor.model.n_seen % 50 == 0  # whole batches only
