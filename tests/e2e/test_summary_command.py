"""`ocrbatch summary FILE...`: one summary of several shards' outputs, and an exit status that
says whether the whole night is complete and clean."""

import json
import shutil

import pytest

from conftest import copy_sample, run
from nightly_helpers import orun, write_pages

FAST = ["--engine", "tesseract", "--preprocess", "none", "-j", "2", "-q"]


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """Two shards' outputs over a folder of pages, a text file to skip and (in one run) a missing
    file, plus a clean third run of one page."""
    root = tmp_path_factory.mktemp("night")
    write_pages(root / "inbox", 6)
    (root / "inbox" / "notes.txt").write_text("not an image\n")
    for i in range(2):
        r = orun(FAST + ["--shard", f"{i}/2", "-o", root / "out-%s.jsonl", root / "inbox",
                         root / "missing.png"])
        assert r.returncode in (0, 1), r.describe()
    return root


def summarise(*args, **kwargs):
    r = run(["summary"] + [str(a) for a in args], **kwargs)
    return r, (json.loads(r.out) if r.out.strip() else None)


def copy_outputs(night, tmp_path):
    return [shutil.copy(night / f"out-{i}.jsonl", tmp_path / f"out-{i}.jsonl") for i in range(2)]


def test_complete_shards_with_an_error_exit_1_with_the_totals(night):
    r, s = summarise(night / "out-0.jsonl", night / "out-1.jsonl")
    assert r.returncode == 1, r.describe()  # missing.png
    assert s["type"] == "summary" and s["complete"] is True
    assert s["pages"] == 6 and s["errors"] == 1 and s["errors_by_code"] == {"not_found": 1}
    assert s["skipped"] == 1 and s["skipped_by_kind"] == {"other": 1}
    assert s["shards"] == {"counts": [2], "missing": [], "repeated": []}
    assert [run_["end"] for run_ in s["runs"]] == ["complete", "complete"]
    assert len({run_["run_id"] for run_ in s["runs"]}) == 2
    durations = [p["duration_ms"] for p in s["slowest"]]
    assert len(durations) == 6 and durations == sorted(durations, reverse=True)
    assert s["duplicates"]["count"] == 0
    assert "2 of 2 runs complete, 2 of 2 shards: 6 pages, 1 error (1 not_found)" in r.err, r.err


def test_clean_shards_exit_0(tmp_path, samples):
    for i in range(2):
        copy_sample("notice.bmp", tmp_path / "in" / f"n{i}.bmp")
    outs = []
    for i in range(2):
        r = orun(FAST + ["--shard", f"{i}/2", "-o", tmp_path / "o-%s.jsonl", tmp_path / "in"])
        assert r.returncode == 0, r.describe()
        outs.append(tmp_path / f"o-{i}.jsonl")
    r, s = summarise(*outs, "-q")
    assert r.returncode == 0, r.describe()
    assert s["complete"] is True and s["pages"] == 2 and r.err == ""
    # The same outputs through stdin, one after the other.
    r, s = summarise("-", input=b"".join(p.read_bytes() for p in outs))
    assert r.returncode == 0 and s["pages"] == 2 and len(s["runs"]) == 2, r.describe()


def test_a_missing_shard_exits_75_naming_it(night):
    r, s = summarise(night / "out-1.jsonl")
    assert r.returncode == 75, r.describe()
    assert s["complete"] is False and s["shards"]["missing"] == [0]
    assert "shard 0 of 2: no complete output given" in r.err, r.err


def test_an_output_without_its_summary_exits_75(night, tmp_path):
    outs = copy_outputs(night, tmp_path)
    lines = open(outs[1]).read().splitlines(keepends=True)
    open(outs[1], "w").write("".join(lines[:-1]))
    r, s = summarise(*outs)
    assert r.returncode == 75, r.describe()
    assert s["runs"][1]["end"] == "no_summary"
    assert f"{outs[1]}: no summary record" in r.err, r.err


def test_a_truncated_output_exits_75(night, tmp_path):
    outs = copy_outputs(night, tmp_path)
    data = open(outs[0], "rb").read()
    open(outs[0], "wb").write(data[:-30])
    r, s = summarise(*outs)
    assert r.returncode == 75, r.describe()
    assert s["runs"][0]["end"] == "truncated"


def test_an_interrupted_run_exits_75(night, tmp_path):
    outs = copy_outputs(night, tmp_path)
    text = open(outs[0]).read().replace('"interrupted":false', '"interrupted":true')
    open(outs[0], "w").write(text)
    r, s = summarise(*outs)
    assert r.returncode == 75, r.describe()
    assert s["interrupted"] is True and s["runs"][0]["end"] == "interrupted"


def test_an_unreadable_or_foreign_file_exits_2(night, tmp_path):
    r, s = summarise(night / "out-0.jsonl", night / "out-1.jsonl", tmp_path / "nope.jsonl")
    assert r.returncode == 2, r.describe()
    assert s["runs"][2]["end"] == "unreadable"
    assert "nope.jsonl: cannot read: No such file or directory" in r.err, r.err
    (tmp_path / "notes.txt").write_text("hello\n")
    r, s = summarise(night / "out-0.jsonl", night / "out-1.jsonl", tmp_path / "notes.txt")
    assert r.returncode == 2 and s["runs"][2]["end"] == "invalid", r.describe()


def test_records_in_two_outputs_are_reported(night, tmp_path):
    r, s = summarise(night / "out-0.jsonl", night / "out-1.jsonl", night / "out-0.jsonl")
    assert s["duplicates"]["count"] > 0, s
    assert s["shards"]["repeated"] == [0]
    assert "repeat a (source, page) of an earlier one" in r.err, r.err


def test_json_array_outputs_are_read_too(tmp_path, samples):
    r = orun(FAST + ["-f", "json", "-o", tmp_path / "out.json", samples / "notice.bmp"])
    assert r.returncode == 0, r.describe()
    r, s = summarise(tmp_path / "out.json")
    assert r.returncode == 0 and s["pages"] == 1, r.describe()


def test_summary_help_and_usage(tmp_path):
    r = run(["summary", "--help"])
    assert r.returncode == 0 and "ocrbatch summary" in r.out and "75" in r.out, r.describe()
    r = run(["summary"])
    assert r.returncode == 2 and "FILE" in r.err, r.describe()
    r = run(["summary", "--bogus", "x"])
    assert r.returncode == 2, r.describe()
