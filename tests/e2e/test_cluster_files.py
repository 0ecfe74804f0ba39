"""The shipped cluster files (scripts/cluster/) work as written: the Kubernetes Indexed Job's
counts agree and its command, run locally once per index with JOB_COMPLETION_INDEX set, covers
every input once; the same for the sbatch script over its #SBATCH --array with SLURM_ARRAY_*."""

import json
import os
import re
import subprocess

import yaml

from conftest import BIN, REPO, parse_jsonl, run
from nightly_helpers import write_pages

CLUSTER = REPO / "scripts" / "cluster"
# The records' content is checked elsewhere; these runs only need to be quick.
FAST_CONFIG = 'engine = "tesseract"\npreprocess = "none"\njobs = 1\n'
SCHEDULER_VARS = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
                  "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_JOB_ID",
                  "SLURM_CPUS_PER_TASK", "JOB_COMPLETION_INDEX", "OCRBATCH_SHARD_COUNT",
                  "OCRBATCH_LEDGER", "OCRBATCH_JOBS", "OCRBATCH_PROGRESS"]


def inbox(tmp_path):
    root = tmp_path / "inbox"
    write_pages(root / "a", 4, prefix="a")
    write_pages(root / "b", 3, prefix="b", start=4)
    return root


def base_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in SCHEDULER_VARS}
    config = tmp_path / "fast.toml"
    config.write_text(FAST_CONFIG)
    env.update(OCRBATCH_CONFIG=str(config), PATH=f"{BIN.parent}:{env['PATH']}")
    env.update(extra)
    return env


def covered_once(outputs, root):
    """Every page under root appears in exactly one output, each output complete."""
    sources = []
    for path in outputs:
        records = parse_jsonl(path.read_text())
        assert records and records[-1]["type"] == "summary", path
        sources += [r["source"] for r in records if r["type"] == "page"]
    names = sorted(os.path.basename(s) for s in sources)
    assert names == sorted(p.name for p in root.rglob("*.png")), names


def summary_gate(outputs, tmp_path):
    r = run(["summary"] + [str(p) for p in outputs], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    combined = json.loads(r.out)
    assert combined["complete"] is True and combined["shards"]["missing"] == [], combined
    return combined


def test_the_indexed_job_manifest_runs_every_input_once(tmp_path):
    job = yaml.safe_load((CLUSTER / "ocrbatch-indexed-job.yaml").read_text())
    assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job"
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    assert spec["parallelism"] >= 1
    assert "backoffLimitPerIndex" in spec or "backoffLimit" in spec
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert int(env["OCRBATCH_SHARD_COUNT"]["value"]) == spec["completions"]
    args = container["args"]
    assert container["command"] == ["ocrbatch"]
    assert args[args.index("--shard") + 1] == "k8s"
    for option in ("--ledger", "--log-file", "--metrics-file", "-o"):
        assert "%s" in args[args.index(option) + 1], (option, args)
    volumes = {v["name"] for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert set(mounts.values()) <= volumes and {"inbox", "state"} <= volumes

    # Run the container's command here: each mount becomes a folder, $(VAR) is expanded as
    # Kubernetes does, and JOB_COMPLETION_INDEX is what the Job gives pod i.
    root = inbox(tmp_path)
    places = {"inbox": root, "state": tmp_path / "state"}
    places["state"].mkdir()
    local_args = []
    for arg in args:
        for mount, name in mounts.items():
            if arg == mount or arg.startswith(mount + "/"):
                arg = str(places[name]) + arg[len(mount):]
        local_args.append(arg.replace("$(JOB_NAME)", "ocrbatch-nightly-1"))
    for index in range(spec["completions"]):
        r = subprocess.run(container["command"] + local_args, capture_output=True, timeout=120,
                           env=base_env(tmp_path, JOB_COMPLETION_INDEX=str(index),
                                        OCRBATCH_SHARD_COUNT=env["OCRBATCH_SHARD_COUNT"]["value"]))
        assert r.returncode == 0, r.stderr.decode()
    outputs = sorted(places["state"].glob("ocrbatch-nightly-1-out-*.jsonl"))
    assert len(outputs) == spec["completions"], outputs
    assert len(list(places["state"].glob("ledger-*.db"))) == spec["completions"]
    covered_once(outputs, root)
    assert summary_gate(outputs, tmp_path)["pages"] == 7


def array_ids(spec):
    """Task IDs of an sbatch --array value of the form A-B or A-B:STEP."""
    m = re.fullmatch(r"(\d+)-(\d+)(?::(\d+))?", spec)
    assert m, f"--array={spec} is not a range"
    first, last, step = int(m[1]), int(m[2]), int(m[3] or 1)
    return list(range(first, last + 1, step)), step


def test_the_sbatch_script_runs_every_input_once(tmp_path):
    script = CLUSTER / "ocrbatch-array.sbatch"
    text = script.read_text()
    (array,) = re.findall(r"^#SBATCH --array=(\S+)", text, re.M)
    ids, step = array_ids(array)
    assert re.search(r"^exec ocrbatch --shard slurm ", text, re.M)
    for option in ("--ledger", "--log-file", "--metrics-file", "-o"):
        assert re.search(rf'{option} "[^"]*%s', text), option
    root = inbox(tmp_path)
    out, state = tmp_path / "out", tmp_path / "state"
    for task in ids:
        env = base_env(tmp_path, SLURM_ARRAY_JOB_ID="42", SLURM_ARRAY_TASK_ID=str(task),
                       SLURM_ARRAY_TASK_MIN=str(ids[0]), SLURM_ARRAY_TASK_MAX=str(ids[-1]),
                       SLURM_ARRAY_TASK_STEP=str(step), SLURM_ARRAY_TASK_COUNT=str(len(ids)),
                       SLURM_CPUS_PER_TASK="1", OCRBATCH_INBOX=str(root),
                       OCRBATCH_STATE=str(state), OCRBATCH_OUT=str(out))
        r = subprocess.run(["bash", str(script)], capture_output=True, timeout=120, env=env)
        assert r.returncode == 0, r.stderr.decode()
    outputs = sorted(out.glob("out-*.jsonl"))
    assert [p.name for p in outputs] == [f"out-{i}.jsonl" for i in range(len(ids))]
    assert len(list(state.glob("ocrbatch-*.log"))) == len(ids)
    covered_once(outputs, root)
    assert summary_gate(outputs, tmp_path)["pages"] == 7
