"""Issue 8: a cron job must not run on a typo in its config file. The file is TOML, read by a
real parser: syntax errors say file:line:column, unknown keys name the nearest option, bad
values name the file and the key, and nothing runs."""

import pytest

from conftest import assert_summary, copy_sample
from nightly_helpers import orun


@pytest.fixture
def d(samples, tmp_path):
    copy_sample("letter.png", tmp_path / "a.png")
    return tmp_path


BAD = {
    "misspelled key": ('jobs = 1\nledgr = "x.db"\n', "nightly.toml:2:", ["'ledgr'", "did you mean 'ledger'"]),
    "unterminated string": ('output = "result.jsonl\n', "nightly.toml:1:", ["string"]),
    "free text": ("run every night with four jobs\n", "nightly.toml:1:", []),
    "bad number": ('jobs = "lots"\n', "nightly.toml:1:", ["'jobs'", "lots"]),
    "out of range": ("jobs = 0\n", "nightly.toml:1:", ["'jobs'"]),
    "flag with a string": ('hidden = "yes"\n', "nightly.toml:1:", ["'hidden'", "true or false"]),
    "value option with a boolean": ("ledger = true\n", "nightly.toml:1:", ["'ledger'"]),
    "a section": ('[default]\njobs = 2\n', "nightly.toml:1:", ["[sections]"]),
    "a list for one value": ('lang = ["eng", "deu"]\n', "nightly.toml:1:", ["'lang'", "list"]),
    "empty value": ('output = ""\n', "nightly.toml:1:", ["'output'", "empty"]),
    "an action": ("help = true\n", "nightly.toml:1:", ["'help'"]),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_config_file_never_runs(d, name):
    text, where, words = BAD[name]
    (d / "nightly.toml").write_text(text)
    r = orun(["--config", "nightly.toml", "a.png"], cwd=d)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b""
    assert where in r.err, r.err
    for word in words:
        assert word in r.err, r.err
    assert not (d / "x.db").exists() and not (d / '"result.jsonl').exists()


def test_flags_lists_and_inputs_from_the_file(d):
    (d / "nightly.toml").write_text(
        'quiet = true\nhidden = false\nc = ["tessedit_do_invert=0"]\ninputs = ["a.png"]\n'
        "timeout = 120.5\n")
    r = orun(["--config", "nightly.toml"], cwd=d)
    assert r.returncode == 0, r.describe()
    assert r.stderr == b"", r.err            # quiet = true
    assert_summary(r.summary, pages=1, errors=0)
    # Paths on the command line replace the file's inputs.
    copy_sample("notice.bmp", d / "b.bmp")
    r = orun(["--config", "nightly.toml", "b.bmp"], cwd=d)
    assert [p["source"] for p in r.pages] == ["b.bmp"]


def test_a_bad_environment_value_is_named(d):
    r = orun(["a.png"], cwd=d, env={"OCRBATCH_JOBS": "many"})
    assert r.returncode == 2
    assert "OCRBATCH_JOBS=many" in r.err, r.err
