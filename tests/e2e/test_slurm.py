"""ocrbatch as a Slurm job array on a real single-node cluster (tests/e2e/slurm_cluster.py).

The cluster needs root and the Debian packages slurmctld, slurmd, slurm-client and munge
(scripts/bootstrap installs them). Without them the tests skip and say why; with
OCRBATCH_REQUIRE_SLURM=1 (set by .ci/run) they fail instead, so CI cannot skip them silently.
"""

import json
import os
import tempfile
from pathlib import Path

import pytest

from conftest import BIN, REPO, parse_jsonl, strip_timing
from nightly_helpers import clean_env, orun, write_pages
from slurm_cluster import SlurmCluster, unavailable_reason

# A unix socket path must fit in 108 bytes; the munge socket lives under the cluster folder.
MAX_ROOT_LENGTH = 60
TASKS = 4
PAGES = 12
# The array script the project ships; the test runs it as it is, on the real cluster.
SBATCH_SCRIPT = REPO / "scripts" / "cluster" / "ocrbatch-array.sbatch"
# Differ between a shard's records and a plain run's by design.
RUN_KEYS = {"run_id", "shard"}


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory):
    reason = unavailable_reason()
    if reason:
        if os.environ.get("OCRBATCH_REQUIRE_SLURM") == "1":
            pytest.fail(f"OCRBATCH_REQUIRE_SLURM=1 but {reason}")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("slurm")
    own_root = len(str(root)) > MAX_ROOT_LENGTH
    if own_root:
        root = Path(tempfile.mkdtemp(prefix="ocrbatch-slurm-"))
    c = SlurmCluster(root / "cluster")
    c.start()
    yield c
    c.stop()
    if own_root:
        root.rmdir()
    # shown even when output is captured: the times are worth watching from run to run
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nslurm cluster: up in {c.bringup_s:.2f} s, down in {c.teardown_s:.2f} s")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox")
    write_pages(folder, PAGES)
    return folder


def run_array(cluster, work, inbox):
    """Submits SBATCH_SCRIPT as a 4-task array over inbox, with its state and outputs in work,
    and waits for it; returns the tasks' job-completion records {task: fields}.

    One CPU and a little memory per task, so that the single node runs two at a time here."""
    job_env = clean_env(PATH=f"{BIN.parent}:{os.environ['PATH']}", OCRBATCH_INBOX=str(inbox),
                        OCRBATCH_STATE=str(work / "state"), OCRBATCH_OUT=str(work / "out"))
    job = cluster.sbatch([f"--array=0-{TASKS - 1}", "--cpus-per-task=1", "--mem=500M",
                          f"--output={work}/task-%a.log", f"--chdir={work}", SBATCH_SCRIPT],
                         env=job_env)
    cluster.wait(job, timeout=60)
    tasks = cluster.wait_completions(job, TASKS)
    assert sorted(tasks) == list(range(TASKS)), cluster.jobcomp.read_text()
    return tasks


def task_logs(work):
    return "\n".join(f"--- {p.name}\n{p.read_text()}" for p in sorted(work.glob("task-*.log")))


def comparable(records):
    return sorted(json.dumps({k: v for k, v in strip_timing(r).items() if k not in RUN_KEYS},
                             sort_keys=True)
                  for r in records if r["type"] != "summary")


def read_jsonl(path):
    return parse_jsonl(path.read_text())


def test_array_tasks_share_the_inbox_once_and_summary_adds_them_up(cluster, inbox, tmp_path):
    # what the script runs in each task (-j is the task's CPUs), but all of the inbox at once
    plain = orun(["-j", "1", "-q", inbox], cwd=tmp_path)
    assert plain.returncode == 0, plain.describe()

    tasks = run_array(cluster, tmp_path, inbox)
    assert {t: f["ExitCode"] for t, f in tasks.items()} == {t: "0:0" for t in range(TASKS)}, \
        task_logs(tmp_path)
    out, state = tmp_path / "out", tmp_path / "state"
    for t in range(TASKS):
        for name in [f"ledger-{t}.db", f"ocrbatch-{t}.log", f"ocrbatch-{t}.prom"]:
            assert (state / name).is_file(), (name, sorted(os.listdir(state)))
    shards = [read_jsonl(out / f"out-{t}.jsonl") for t in range(TASKS)]
    assert sorted(os.listdir(out)) == [f"out-{t}.jsonl" for t in range(TASKS)]

    sources = [r["source"] for recs in shards for r in recs if r["type"] == "page"]
    assert sorted(sources) == sorted(set(sources)), "an input is in two shards"
    assert set(sources) == {r["source"] for r in plain.pages}
    assert comparable([r for recs in shards for r in recs]) == comparable(plain.records)
    # Task I took shard I of 4 from Slurm's variables, and says so in its summary.
    for index, recs in enumerate(shards):
        assert recs[-1]["type"] == "summary", recs[-1]
        assert recs[-1]["shard"] == {"index": index, "count": TASKS}, recs[-1]
        assert len({r["run_id"] for r in recs}) == 1, "one run_id per task"
    assert len({recs[-1]["run_id"] for recs in shards}) == TASKS, "a run_id per task"

    night = orun(["summary"] + sorted(out.glob("out-*.jsonl")), cwd=tmp_path)
    assert night.returncode == 0, night.describe()
    total = night.records[-1]
    assert total["complete"] is True, total
    assert (total["files"], total["pages"], total["errors"]) == (TASKS, PAGES, 0), total
    assert total["shards"] == {"counts": [TASKS], "missing": [], "repeated": []}, total
    assert total["duplicates"]["count"] == 0, total


def test_a_failed_task_shows_its_exit_code_and_fails_the_summary(cluster, inbox, tmp_path):
    # a folder where task 2's ledger should be: the task cannot open it, as with a broken
    # state volume, and exits with 2 before it writes any output
    (tmp_path / "state" / "ledger-2.db").mkdir(parents=True)
    tasks = run_array(cluster, tmp_path, inbox)
    codes = {t: f["ExitCode"] for t, f in tasks.items()}
    assert codes == {0: "0:0", 1: "0:0", 2: "2:0", 3: "0:0"}, (codes, task_logs(tmp_path))
    assert tasks[2]["JobState"] == "FAILED", tasks[2]
    assert "cannot open ledger" in (tmp_path / "task-2.log").read_text()

    out = tmp_path / "out"
    assert sorted(os.listdir(out)) == ["out-0.jsonl", "out-1.jsonl", "out-3.jsonl"]
    night = orun(["summary"] + sorted(out.glob("out-*.jsonl")), cwd=tmp_path)
    assert night.returncode == 75, night.describe()  # not finished: a shard is missing
    total = night.records[-1]
    assert total["complete"] is False, total
    assert total["shards"]["missing"] == [2], total
    assert "shard 2 of 4" in night.err, night.err
