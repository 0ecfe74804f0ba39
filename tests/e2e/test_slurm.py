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

from conftest import BIN, parse_jsonl, strip_timing
from nightly_helpers import clean_env, orun, write_pages
from slurm_cluster import SlurmCluster, unavailable_reason

# A unix socket path must fit in 108 bytes; the munge socket lives under the cluster folder.
MAX_ROOT_LENGTH = 60
TASKS = 4
PAGES = 12
FAST = ["--engine", "tesseract", "--preprocess", "none", "-j", "1", "-q"]
# Differ between a shard's records and a plain run's by design.
RUN_KEYS = {"run_id", "shard"}
# The array task's shell: one shard of the inbox per task, each with its own output and ledger.
# FAIL_TASK names a task whose ledger path is a folder, so that task fails as a broken state
# volume would make it fail.
ARRAY_SCRIPT = """#!/bin/bash
set -u
ledger="$WORK/ledger-%s.db"
if [ "$SLURM_ARRAY_TASK_ID" = "${FAIL_TASK:-}" ]; then
  ledger="$WORK"
fi
exec "$OCRBATCH" --shard slurm {fast} --ledger "$ledger" -o "$WORK/out-%s.jsonl" "$INBOX"
"""


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory):
    reason = unavailable_reason()
    if reason:
        if os.environ.get("OCRBATCH_REQUIRE_SLURM") == "1":
            pytest.fail(f"OCRBATCH_REQUIRE_SLURM=1 but {reason}")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("slurm")
    if len(str(root)) > MAX_ROOT_LENGTH:
        root = Path(tempfile.mkdtemp(prefix="ocrbatch-slurm-"))
    c = SlurmCluster(root / "cluster")
    c.start()
    yield c
    c.stop()
    # shown even when output is captured: the times are worth watching from run to run
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nslurm cluster: up in {c.bringup_s:.2f} s, down in {c.teardown_s:.2f} s")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox")
    write_pages(folder, PAGES)
    return folder


def run_array(cluster, work, inbox, **env):
    """Submits the array of ARRAY_SCRIPT over inbox, waits for it; returns the tasks'
    job-completion records {task: fields}."""
    script = work / "array.sh"
    script.write_text(ARRAY_SCRIPT.replace("{fast}", " ".join(FAST)))
    script.chmod(0o755)
    job_env = clean_env(WORK=str(work), INBOX=str(inbox), OCRBATCH=str(BIN), **env)
    job = cluster.sbatch([f"--array=0-{TASKS - 1}", f"--output={work}/task-%a.log",
                          f"--chdir={work}", script], env=job_env)
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


def test_array_tasks_share_the_inbox_once(cluster, inbox, tmp_path):
    plain = orun(FAST + [inbox], cwd=tmp_path)
    assert plain.returncode == 0, plain.describe()

    tasks = run_array(cluster, tmp_path, inbox)
    assert {t: f["ExitCode"] for t, f in tasks.items()} == {t: "0:0" for t in range(TASKS)}, \
        task_logs(tmp_path)
    outputs = [tmp_path / f"out-{t}.jsonl" for t in range(TASKS)]
    assert all(p.is_file() for p in outputs), sorted(os.listdir(tmp_path))
    assert all((tmp_path / f"ledger-{t}.db").is_file() for t in range(TASKS))
    shards = [read_jsonl(p) for p in outputs]

    sources = [r["source"] for recs in shards for r in recs if r["type"] == "page"]
    assert sorted(sources) == sorted(set(sources)), "an input is in two shards"
    assert set(sources) == {r["source"] for r in plain.pages}
    assert comparable([r for recs in shards for r in recs]) == comparable(plain.records)
    # Task I took shard I of 4 from Slurm's variables: its output holds what --shard I/4 lists.
    for index, recs in enumerate(shards):
        assert recs[-1]["type"] == "summary", recs[-1]
        listed = orun(["--list", "--shard", f"{index}/{TASKS}", inbox], cwd=tmp_path)
        assert listed.returncode == 0, listed.describe()
        names = sorted(line.split("\t")[-1] for line in listed.out.splitlines())
        assert sorted(r["source"] for r in recs if r["type"] == "page") == names, index


def test_a_failed_task_shows_its_exit_code(cluster, inbox, tmp_path):
    tasks = run_array(cluster, tmp_path, inbox, FAIL_TASK="2")
    codes = {t: f["ExitCode"] for t, f in tasks.items()}
    assert codes[2] != "0:0" and tasks[2]["JobState"] == "FAILED", (codes, task_logs(tmp_path))
    assert {codes[t] for t in (0, 1, 3)} == {"0:0"}, (codes, task_logs(tmp_path))
    failed = run_ledger_failure_exit(tmp_path, inbox)
    assert codes[2] == f"{failed}:0", (codes, failed)




def run_ledger_failure_exit(work, inbox):
    """The exit code of the same failure outside Slurm, for comparison."""
    r = orun(FAST + ["--shard", f"2/{TASKS}", "--ledger", work, "-o", work / "direct.jsonl",
                     inbox], cwd=work)
    assert r.returncode != 0, r.describe()
    return r.returncode
