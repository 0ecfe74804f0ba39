"""--shard: every input in exactly one shard, the shards together one plain run; --shard slurm
and k8s read the scheduler's environment; %s names each shard's files."""

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import copy_sample, parse_jsonl, strip_timing
from nightly_helpers import orun, write_pages

# Fields that differ between runs, or between a shard and a plain run, by design.
RUN_KEYS = {"run_id", "shard"}
FAST = ["--engine", "tesseract", "--preprocess", "none", "-j", "2", "-q"]
SLURM_VARS = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
              "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX",
              "OCRBATCH_SHARD_COUNT"]


def no_shard_env(**extra):
    env = {name: None for name in SLURM_VARS}
    env.update(extra)
    return env


def comparable(records):
    out = []
    for rec in records:
        if rec["type"] == "summary":
            continue
        rec = {k: v for k, v in strip_timing(rec).items() if k not in RUN_KEYS}
        out.append(json.dumps(rec, sort_keys=True))
    return sorted(out)


def totals(summaries):
    keys = ["pages", "errors", "skipped", "cached"]
    return {k: sum(s[k] for s in summaries) for k in keys}


@pytest.fixture
def inbox(tmp_path):
    """A folder of pages in subfolders, an archive, a two-page TIFF and a file to skip."""
    root = tmp_path / "inbox"
    write_pages(root / "a", 5, prefix="a")
    write_pages(root / "b", 5, prefix="b", start=5)
    pages = write_pages(tmp_path / "zipped", 3, prefix="z", start=10)
    with zipfile.ZipFile(root / "bundle.zip", "w") as z:
        for name in pages:
            z.write(tmp_path / "zipped" / name, f"in/{name}")
    copy_sample("report.tif", root / "report.tif")
    (root / "notes.txt").write_text("not an image\n")
    return root


def run_shards(args, count, cwd):
    results = []
    for i in range(count):
        r = orun(FAST + ["--shard", f"{i}/{count}"] + args, cwd=cwd, env=no_shard_env(),
                 timeout=120)
        assert r.returncode in (0, 1), r.describe()
        results.append(r)
    return results


def test_three_shards_of_a_folder_are_one_plain_run(inbox, tmp_path):
    args = ["inbox", "missing.png"]
    plain = orun(FAST + args, cwd=tmp_path, env=no_shard_env(), timeout=120)
    assert plain.returncode == 1, plain.describe()  # missing.png
    shards = run_shards(args, 3, tmp_path)
    records = [rec for r in shards for rec in r.records]
    assert comparable(records) == comparable(plain.records)
    assert totals([r.summary for r in shards]) == totals([plain.summary])
    # Every shard has some of it: the hash spreads 10 pages, an archive and a TIFF over 3.
    assert all(r.pages for r in shards), [len(r.pages) for r in shards]
    # The missing file is reported once, by its own shard only.
    assert sum(len(r.errors) for r in shards) == 1


def test_three_shards_of_a_files_from_list_are_one_plain_run(inbox, tmp_path):
    names = sorted(str(p.relative_to(tmp_path)) for p in inbox.rglob("*.png"))
    names.append("./inbox/bundle.zip")
    (tmp_path / "list.txt").write_text("\n".join(names) + "\n")
    args = ["--files-from", "list.txt"]
    plain = orun(FAST + args, cwd=tmp_path, env=no_shard_env(), timeout=120)
    assert plain.returncode == 0, plain.describe()
    shards = run_shards(args, 3, tmp_path)
    assert comparable([rec for r in shards for rec in r.records]) == comparable(plain.records)
    assert all(r.returncode == 0 for r in shards)


def test_an_archive_and_a_tiff_go_whole_to_one_shard(inbox, tmp_path):
    listed = []
    for i in range(3):
        r = orun(["--list", "--shard", f"{i}/3", "inbox"], cwd=tmp_path, env=no_shard_env())
        assert r.returncode == 0, r.describe()
        listed.append([line.split("\t")[-1] for line in r.out.splitlines()])
    for unit in ("inbox/bundle.zip::", "inbox/report.tif"):
        holders = [i for i, names in enumerate(listed) if any(n.startswith(unit) for n in names)]
        assert len(holders) == 1, (unit, listed)
    zip_shard = next(i for i, names in enumerate(listed)
                     if any(n.startswith("inbox/bundle.zip::") for n in names))
    assert len([n for n in listed[zip_shard] if n.startswith("inbox/bundle.zip::")]) == 3


def test_shard_of_a_file_does_not_depend_on_how_it_or_its_folder_is_named(inbox, tmp_path):
    def shard_lists(args, prefix):
        out = []
        for i in range(3):
            r = orun(["--list", "--shard", f"{i}/3"] + args, cwd=tmp_path, env=no_shard_env())
            out.append(sorted(line.split("\t")[-1][len(prefix):] for line in r.out.splitlines()))
        return out

    assert shard_lists(["inbox"], "inbox/") == shard_lists(["./inbox/"], "./inbox/")
    assert shard_lists([str(inbox)], str(inbox) + "/") == shard_lists(["inbox"], "inbox/")
    named = ["inbox/a/a00.png", "inbox/b/b07.png", "inbox/report.tif"]
    assert (shard_lists(named, "") ==
            shard_lists(["./" + n for n in named], "./"))


def test_stdin_belongs_to_shard_zero(samples, tmp_path):
    data = (samples / "notice.bmp").read_bytes()
    got = []
    for i in range(3):
        r = orun(FAST + ["--shard", f"{i}/3", "-"], input=data, cwd=tmp_path, env=no_shard_env())
        assert r.returncode == 0, r.describe()
        got.append(len(r.pages))
    assert got == [1, 0, 0]


@pytest.mark.parametrize("spec, reason", [
    ("3/3", "below the count (0 to 2"),
    ("0/0", "at least 1"),
    ("1/x", "expected I/N"),
    ("one", "expected I/N"),
])
def test_a_bad_shard_is_a_usage_error_that_says_why(tmp_path, spec, reason):
    r = orun(["--shard", spec, str(tmp_path)], env=no_shard_env())
    assert r.returncode == 2, r.describe()
    assert reason in r.err, r.err


def test_shard_slurm_outside_an_array_names_the_variables(tmp_path):
    r = orun(["--shard", "slurm", str(tmp_path)], env=no_shard_env())
    assert r.returncode == 2, r.describe()
    assert "SLURM_ARRAY_TASK_ID" in r.err and "not inside a Slurm array job?" in r.err, r.err


def test_shard_slurm_with_a_gapped_array_is_refused(tmp_path):  # sbatch --array=0,2,5
    env = no_shard_env(SLURM_ARRAY_TASK_ID="5", SLURM_ARRAY_TASK_MIN="0",
                       SLURM_ARRAY_TASK_MAX="5", SLURM_ARRAY_TASK_COUNT="3")
    r = orun(["--shard", "slurm", str(tmp_path)], env=env)
    assert r.returncode == 2, r.describe()
    assert "SLURM_ARRAY_TASK_COUNT=3" in r.err and "evenly spaced" in r.err, r.err


def test_shard_slurm_and_k8s_take_the_same_share_as_index_over_count(inbox, tmp_path):
    def listing(args, env):
        r = orun(["--list", "inbox"] + args, cwd=tmp_path, env=no_shard_env(**env))
        assert r.returncode == 0, r.describe()
        return r.out

    # --array=0-6:2, task 4 is shard 2 of 4.
    slurm = {"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "0",
             "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_STEP": "2",
             "SLURM_ARRAY_TASK_COUNT": "4"}
    assert listing(["--shard", "slurm"], slurm) == listing(["--shard", "2/4"], {})
    k8s = {"JOB_COMPLETION_INDEX": "1", "OCRBATCH_SHARD_COUNT": "3"}
    assert listing(["--shard", "k8s"], k8s) == listing(["--shard", "1/3"], {})
    assert (listing(["--shard", "k8s", "--shard-count", "4"], k8s) ==
            listing(["--shard", "1/4"], {}))


def test_shard_k8s_without_a_count_says_where_to_give_it(tmp_path):
    r = orun(["--shard", "k8s", str(tmp_path)], env=no_shard_env(JOB_COMPLETION_INDEX="0"))
    assert r.returncode == 2, r.describe()
    assert "--shard-count" in r.err and "OCRBATCH_SHARD_COUNT" in r.err, r.err


def test_percent_s_names_each_shards_files(inbox, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    for i in range(2):
        r = orun(FAST + ["--shard", f"{i}/2", "-o", "state/out-%s.jsonl", "--ledger",
                         "state/ledger-%s.db", "--log-file", "state/log-%s.txt",
                         "--metrics-file", "state/m-%s.prom", "inbox"],
                 cwd=tmp_path, env=no_shard_env(), timeout=120)
        assert r.returncode == 0, r.describe()
    for i in range(2):
        for name in (f"out-{i}.jsonl", f"ledger-{i}.db", f"log-{i}.txt", f"m-{i}.prom"):
            assert (state / name).is_file(), sorted(p.name for p in state.iterdir())
    assert not any("%" in p.name for p in state.iterdir())
    outputs = [parse_jsonl((state / f"out-{i}.jsonl").read_text()) for i in range(2)]
    plain = orun(FAST + ["inbox"], cwd=tmp_path, env=no_shard_env(), timeout=120)
    assert comparable(outputs[0] + outputs[1]) == comparable(plain.records)
    # The metrics name the run and shard their records and log lines carry.
    for i in range(2):
        run_id = outputs[i][-1]["run_id"]
        metrics = (state / f"m-{i}.prom").read_text()
        info = f'ocrbatch_run_info{{run_id="{run_id}",shard="{i}",shard_count="2"}} 1'
        assert info in metrics.splitlines(), metrics
        assert f"run_id={run_id} shard={i}/2" in (state / f"log-{i}.txt").read_text()


def test_percent_s_without_shard_is_a_usage_error_and_double_percent_is_one(inbox, tmp_path):
    r = orun(["--ledger", "l-%s.db", "inbox"], cwd=tmp_path, env=no_shard_env())
    assert r.returncode == 2, r.describe()
    assert "--ledger 'l-%s.db'" in r.err and "--shard" in r.err, r.err
    assert not list(tmp_path.glob("l-*"))
    r = orun(FAST + ["-o", "100%%.jsonl", "inbox/a/a00.png"], cwd=tmp_path, env=no_shard_env())
    assert r.returncode == 0, r.describe()
    assert (tmp_path / "100%.jsonl").is_file()
