"""run_id: one UUID per run in every JSON record and every log-file line, with the shard when
sharding; records replayed from the ledger carry the run that wrote them now."""

import json
import re

from conftest import copy_sample
from nightly_helpers import orun

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
FAST = ["--engine", "tesseract", "--preprocess", "none", "-j", "1"]


def test_every_record_and_log_line_carries_the_run_id(samples, tmp_path):
    log = tmp_path / "run.log"
    r = orun(FAST + ["--log-file", log, samples / "notice.bmp", tmp_path / "missing.png"])
    assert r.returncode == 1, r.describe()
    ids = {rec["run_id"] for rec in r.records}
    assert len(ids) == 1 and UUID.match(ids.pop()), r.records
    run_id = r.records[0]["run_id"]
    assert all(list(rec)[:2] == ["type", "run_id"] for rec in r.records), r.records
    assert all("shard" not in rec for rec in r.records)
    lines = log.read_text().splitlines()
    assert len(lines) >= 3, lines  # start, the error, the summary
    assert all(f" run_id={run_id} " in line for line in lines), lines
    assert all(" shard=" not in line for line in lines), lines


def test_a_sharded_run_names_its_shard_in_records_and_log_lines(samples, tmp_path):
    log = tmp_path / "run.log"
    names = [f"p{i}.bmp" for i in range(8)]
    for name in names:
        copy_sample("notice.bmp", tmp_path / "in" / name)
    r = orun(FAST + ["--shard", "1/2", "--log-file", log, tmp_path / "in"])
    assert r.returncode == 0, r.describe()
    assert r.pages, "shard 1 of 2 got none of 8 files"
    for rec in r.records[:-1]:
        assert list(rec)[:3] == ["type", "run_id", "shard"] and rec["shard"] == 1, rec
    assert r.summary["shard"] == {"index": 1, "count": 2}
    assert list(r.summary)[:3] == ["type", "run_id", "shard"]
    run_id = r.summary["run_id"]
    assert all(f" run_id={run_id} shard=1/2 " in line for line in log.read_text().splitlines())


def test_each_run_has_its_own_id_and_json_output_carries_it(samples, tmp_path):
    first = orun(FAST + [samples / "notice.bmp"])
    second = orun(FAST + ["-f", "json", samples / "notice.bmp"])
    assert first.returncode == second.returncode == 0
    records = json.loads(second.out)
    assert {rec["run_id"] for rec in records} == {records[-1]["run_id"]}
    assert records[-1]["run_id"] != first.summary["run_id"]


def test_replayed_records_carry_the_current_run_id(samples, tmp_path):
    ledger = tmp_path / "ledger.db"
    args = FAST + ["--ledger", ledger, "--emit", "all", samples / "notice.bmp",
                   samples / "letter.png"]
    first = orun(args)
    second = orun(args)
    assert first.returncode == second.returncode == 0, second.describe()
    assert second.summary["cached"] == 2 and len(second.pages) == 2, second.describe()
    now = second.summary["run_id"]
    assert now != first.summary["run_id"]
    assert all(rec["run_id"] == now for rec in second.records), second.records
