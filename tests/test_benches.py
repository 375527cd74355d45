"""Every benchmark under bench/ runs at its tiny --smoke size, so none can stop working unseen
(bench/documents.py once did). The figures are printed, not judged here: speed is compared
within one run of a benchmark, never by a timed assertion (bench/cluster.py has its own small
run in tests/test_cluster.py)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BENCHES = {
    "documents.py": ["size: letter PDF", "bundle of 2 nominations, cached"],
    "scale.py": ["targets: list pages"],
    "pages.py": ["autosave POST", "submissions accepted in the database"],
    "deadline.py": ["5xx answers: 0", "over quota: 0"],
    "search.py": ["sqlite: p95", "postgresql: p95", "every query exact"],
    "duplicates.py": ["precision ", "recall, abridged", "hard negatives flagged, same people"],
    "assignment.py": ["conflicted pairs in the plan: 0", "targets (0 conflicted, every "
                      "nomination k experts, spread <= 1): met"],
}


def test_every_bench_is_run_by_the_suite():
    benches = {p.name for p in (ROOT / "bench").glob("*.py")} - {"_util.py", "hello.py"}
    assert benches == set(BENCHES) | {"cluster.py"}


@pytest.mark.parametrize("bench", sorted(BENCHES))
def test_bench_runs_at_its_smoke_size(bench, tmp_path):
    env = {**os.environ, "KCZG_INSTANCE": str(tmp_path / "instance")}
    env.pop("KCZG_REDIS_URL", None)
    done = subprocess.run([sys.executable, f"bench/{bench}", "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    for line in BENCHES[bench]:
        assert line in out, out[-3000:]
    assert "Traceback" not in out
