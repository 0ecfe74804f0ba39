"""ocrbatch as a Slurm job array on a real single-node cluster (tests/e2e/slurm_cluster.py).

The cluster needs root and the Debian packages slurmctld, slurmd, slurm-client and munge
(scripts/bootstrap installs them). Without them the tests skip and say why; with
OCRBATCH_REQUIRE_SLURM=1 (set by .ci/run) they fail instead, so CI cannot skip them silently.
"""

import os
import tempfile
from pathlib import Path

import pytest

from slurm_cluster import SlurmCluster, unavailable_reason

# A unix socket path must fit in 108 bytes; the munge socket lives under the cluster folder.
MAX_ROOT_LENGTH = 60


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


def write_script(path, body):
    path.write_text("#!/bin/bash\nset -u\n" + body)
    path.chmod(0o755)
    return path


def test_every_array_task_runs_once_with_its_index(cluster, tmp_path):
    script = write_script(tmp_path / "job.sh",
                          'echo "$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT"\n')
    job = cluster.sbatch(["--array=0-3", f"--output={tmp_path}/task-%a.out",
                          f"--chdir={tmp_path}", script])
    cluster.wait(job)
    for task in range(4):
        assert (tmp_path / f"task-{task}.out").read_text() == f"{task} 4\n"
    tasks = cluster.wait_completions(job, 4)
    assert sorted(tasks) == [0, 1, 2, 3], cluster.jobcomp.read_text()
    assert {t["ExitCode"] for t in tasks.values()} == {"0:0"}, tasks
