"""Record order: input order by default whatever -j is; --unordered gives the same records."""

import pytest

from conftest import assert_summary, canonical, copy_sample, run

# A slow page first and fast pages after it, so with several workers the later pages
# finish first and only the reorder buffer keeps them in input order. An error sits in
# the middle: errors keep their place too.
FILES = ["01_letter.png", "02.bmp", "03.bmp", "04_empty.png", "05.bmp", "06_report.tif",
         "07.bmp", "08.bmp"]
ORDER = [("in/01_letter.png", 1), ("in/02.bmp", 1), ("in/03.bmp", 1), ("in/04_empty.png", 0),
         ("in/05.bmp", 1), ("in/06_report.tif", 1), ("in/06_report.tif", 2),
         ("in/06_report.tif", 3), ("in/07.bmp", 1), ("in/08.bmp", 1)]


@pytest.fixture(scope="module")
def workdir(samples, tmp_path_factory):
    d = tmp_path_factory.mktemp("ordering")
    for name in FILES:
        path = d / "in" / name
        if "letter" in name:
            copy_sample("letter.png", path)
        elif "report" in name:
            copy_sample("report.tif", path)
        elif "empty" in name:
            path.write_bytes(b"")
        else:
            copy_sample("notice.bmp", path)
    return d


def _order(result):
    return [(r["source"], r.get("page", 0)) for r in result.records[:-1]]


@pytest.fixture(scope="module")
def runs(workdir):
    return {
        "j1": run(["-q", "-j", "1", "in"], cwd=workdir),
        "j4": run(["-q", "-j", "4", "in"], cwd=workdir),
        "unordered": run(["-q", "-j", "4", "--unordered", "in"], cwd=workdir),
    }


@pytest.mark.parametrize("which", ["j1", "j4", "unordered"])
def test_exit_code_and_summary(runs, which):
    r = runs[which]
    assert r.returncode == 1, r.describe()   # the empty PNG
    assert_summary(r.summary, pages=9, errors=1, errors_by_code={"decode_failed": 1}, skipped=0)


@pytest.mark.parametrize("which", ["j1", "j4"])
def test_records_in_input_order(runs, which):
    assert _order(runs[which]) == ORDER, runs[which].describe()


def test_same_records_with_one_or_four_jobs(runs):
    assert canonical(runs["j4"].records[:-1]) == canonical(runs["j1"].records[:-1])


def test_unordered_gives_same_records(runs):
    r = runs["unordered"]
    assert sorted(_order(r)) == sorted(ORDER), r.describe()
    assert canonical(r.records[:-1]) == canonical(runs["j1"].records[:-1])


def test_summary_identical_apart_from_timing(runs):
    base = {k: v for k, v in runs["j1"].summary.items() if k not in ("elapsed_s", "pages_per_second", "page_seconds", "run_id")}
    for which in ("j4", "unordered"):
        other = {k: v for k, v in runs[which].summary.items()
                 if k not in ("elapsed_s", "pages_per_second", "page_seconds", "run_id")}
        assert other == base


def test_command_line_order_is_kept_not_sorted(workdir):
    r = run(["-q", "-j", "2", "in/08.bmp", "in/06_report.tif", "in/02.bmp"], cwd=workdir)
    assert r.returncode == 0, r.describe()
    assert _order(r) == [("in/08.bmp", 1), ("in/06_report.tif", 1), ("in/06_report.tif", 2),
                         ("in/06_report.tif", 3), ("in/02.bmp", 1)], r.describe()
