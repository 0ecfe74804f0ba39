"""Regressions in reading inputs: lists, long paths, archives, animated GIFs, multi-page TIFFs
and the names ocrbatch writes given back to it as inputs."""

import os
import subprocess

from conftest import BIN, assert_error_record, run


def test_list_file_that_is_a_folder_gives_read_failed(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    result = run(["--preprocess", "none", "--files-from", folder])
    assert result.returncode == 1, result.describe()
    assert len(result.errors) == 1, result.describe()
    assert_error_record(result.errors[0], str(folder), "read_failed")


def test_list_on_stdin_that_is_a_folder_gives_read_failed(tmp_path):
    folder = os.open(tmp_path, os.O_RDONLY)
    try:
        proc = subprocess.run([str(BIN), "--files-from", "-"], stdin=folder,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(folder)
    assert proc.returncode == 1, proc.stderr
    assert b'"source":"-","error":{"code":"read_failed"' in proc.stdout, proc.stdout
