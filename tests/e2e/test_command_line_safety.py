"""Issue 8: nothing a user types may destroy a file or run a job on a typo.

Empty option values, outputs that are inputs, bad environment values beside a good command
line, unknown options, --timeout edge values, help written to a full disk."""

import os
import subprocess

import pytest

from conftest import BIN, assert_summary, copy_sample, run
from nightly_helpers import clean_env, orun


@pytest.fixture
def two_images(samples, tmp_path):
    a = copy_sample("letter.png", tmp_path / "a.png")
    b = copy_sample("notice.bmp", tmp_path / "b.bmp")
    return tmp_path, a, b


VALUE_OPTIONS = ["--output", "--metrics-file", "--log-file", "--ledger", "--lang",
                 "--tessdata-dir", "--files-from", "--format", "--jobs"]


@pytest.mark.parametrize("option", VALUE_OPTIONS)
def test_empty_value_after_equals_never_takes_the_next_argument(two_images, option):
    d, a, b = two_images
    before = a.read_bytes()
    r = orun([f"{option}=", "a.png", "b.bmp"], cwd=d)
    assert r.returncode == 2, r.describe()
    assert f"{option}=" in r.err and "empty" in r.err, r.err
    assert a.read_bytes() == before, f"{option}= overwrote the next argument"
    assert r.stdout == b""


@pytest.mark.parametrize("option", ["-o", "--ledger", "--log-file"])
def test_empty_value_as_its_own_argument_is_a_usage_error(two_images, option):
    d, a, _ = two_images
    r = orun([option, "", "a.png"], cwd=d)
    assert r.returncode == 2, r.describe()
    assert "empty" in r.err, r.err


@pytest.mark.parametrize("option", ["-o", "--log-file", "--metrics-file", "--ledger"])
def test_an_output_that_is_an_input_is_refused_before_any_work(two_images, option):
    d, a, b = two_images
    before = a.read_bytes()
    r = orun([option, "a.png", "a.png", "b.bmp"], cwd=d)
    assert r.returncode == 2, r.describe()
    assert "a.png" in r.err and "input" in r.err, r.err
    assert r.stdout == b""
    assert a.read_bytes() == before


def test_an_output_named_another_way_is_still_the_input(two_images):
    d, a, _ = two_images
    (d / "sub").mkdir()
    os.symlink(a, d / "link.png")
    before = a.read_bytes()
    for out in ["sub/../a.png", "link.png", str(a)]:
        r = orun(["-o", out, "a.png"], cwd=d)
        assert r.returncode == 2, (out, r.describe())
    assert a.read_bytes() == before


def test_an_output_inside_a_walked_folder_is_refused(two_images):
    d, a, _ = two_images
    before = a.read_bytes()
    r = orun(["-o", str(d / "a.png"), str(d)])
    assert r.returncode == 2, r.describe()
    assert "inside the folder" in r.err, r.err
    r = orun(["-o", "results.jsonl", "."], cwd=d)
    assert r.returncode == 2, r.describe()
    assert not (d / "results.jsonl").exists()
    assert a.read_bytes() == before
    # Beside the folder is fine.
    r = orun(["-q", "-o", str(d.parent / f"{d.name}.jsonl"), str(d)])
    assert r.returncode == 0, r.describe()
    os.unlink(d.parent / f"{d.name}.jsonl")


def test_devices_are_never_a_collision(two_images):
    d, _, _ = two_images
    r = orun(["-q", "-o", "/dev/null", "--metrics-file", "/dev/null", "a.png"], cwd=d)
    assert r.returncode == 0, r.describe()


def test_a_bad_environment_value_does_not_fail_a_command_line_that_sets_it(two_images):
    d, _, _ = two_images
    env = clean_env(OCRBATCH_JOBS="lots", OCRBATCH_PROGRESS="sparkles")
    r = run(["-j", "1", "--progress", "none", "-q", "a.png"], cwd=d, env=env)
    assert r.returncode == 0, r.describe()
    r = run(["--jobs=1", "--progress=none", "-q", "a.png"], cwd=d, env=env)
    assert r.returncode == 0, r.describe()
    # Without the command line's value the bad variable is an error that names it.
    r = run(["--progress", "none", "a.png"], cwd=d, env=env)
    assert r.returncode == 2, r.describe()
    assert "OCRBATCH_JOBS=lots" in r.err, r.err


def test_unknown_option_suggests_the_nearest_name(two_images):
    d, _, _ = two_images
    r = orun(["--ledgr", "x.db", "a.png"], cwd=d)
    assert r.returncode == 2
    assert "did you mean '--ledger'" in r.err, r.err
    r = orun(["--totally-unknown", "a.png"], cwd=d)
    assert r.returncode == 2
    assert "unknown option '--totally-unknown'" in r.err and "did you mean" not in r.err, r.err


def test_help_shows_one_value_per_c_and_no_none_for_output():
    r = run(["--help"])
    assert r.returncode == 0
    line = next(l for l in r.out.splitlines() if l.strip().startswith("-c "))
    assert "..." not in line, line
    out_line = next(l for l in r.out.splitlines() if "-o,--output" in l)
    assert "none" not in out_line, out_line


def test_repeated_c_sets_each_variable_and_keeps_inputs(two_images):
    d, _, _ = two_images
    r = orun(["-q", "-c", "tessedit_char_whitelist=ABC", "-c", "tessedit_do_invert=0",
              "a.png", "b.bmp"], cwd=d)
    assert r.returncode == 0, r.describe()
    assert_summary(r.summary, pages=2, errors=0)


@pytest.mark.parametrize("value", ["nan", "NaN", "-nan", "inf", "-1", "86401"])
def test_timeout_outside_its_range_is_a_usage_error(two_images, value):
    d, _, _ = two_images
    r = orun([f"--timeout={value}", "a.png"], cwd=d)
    assert r.returncode == 2, r.describe()


def test_a_sub_millisecond_timeout_is_still_a_limit(two_images):
    d, _, _ = two_images
    r = orun(["-q", "--preprocess", "none", "--timeout", "0.0005", "a.png"], cwd=d)
    assert r.returncode == 1, r.describe()
    assert [e["error"]["code"] for e in r.errors] == ["timeout"], r.out


@pytest.mark.parametrize("args", [["--help"], ["-V"], ["--list-steps"]])
def test_help_to_a_full_disk_exits_2(args):
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([str(BIN)] + args, stdout=full, stderr=subprocess.PIPE, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert b"No space left" in proc.stderr
