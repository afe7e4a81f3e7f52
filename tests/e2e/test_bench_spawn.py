"""bench/spawn, what `make bench` measures every run with: the child's peak
memory is its own, not that of the process that asked for the run (bench.py
read and hashed a 35 MB binary, and every run then looked that large), the
exit status and stderr come through, and a run past its timeout is killed."""
import os
import subprocess

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def spawn(tmp_path_factory):
    exe = tmp_path_factory.mktemp("spawn") / "spawn"
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
                    str(ROOT / "bench" / "spawn.c"), "-o", str(exe)], check=True)
    return exe


def measure(spawn, tmp_path, timeout, *argv):
    r = subprocess.run([str(spawn), str(tmp_path / "err"), str(timeout), *argv],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    wall, rss, status, cpu = r.stdout.split()
    return float(wall), int(rss), os.waitstatus_to_exitcode(int(status)), float(cpu)


def test_a_small_run_is_small_whatever_asked_for_it(spawn, tmp_path):
    ballast = bytearray(300 << 20)  # this process: 300 MiB, every page touched
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    _, rss, status, _ = measure(spawn, tmp_path, 60, "true")
    assert status == 0
    assert rss < 50 << 10, f"true's peak {rss} KiB: the asking process's memory counted"


def test_a_large_run_is_measured_large(spawn, tmp_path):
    code = "b = bytearray(200 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1"
    _, rss, status, cpu = measure(spawn, tmp_path, 60, "python3", "-c", code)
    assert status == 0
    assert rss >= 200 << 10
    assert cpu > 0


def test_status_and_stderr_come_through(spawn, tmp_path):
    _, _, status, _ = measure(spawn, tmp_path, 60, "sh", "-c", "echo why >&2; exit 3")
    assert status == 3
    assert (tmp_path / "err").read_text() == "why\n"


def test_a_run_past_its_timeout_is_killed_with_its_children(spawn, tmp_path):
    _, _, status, _ = measure(spawn, tmp_path, 1, "sh", "-c", "sleep 60 & sleep 60; wait")
    assert status == -9


def test_a_program_that_cannot_run_says_why(spawn, tmp_path):
    _, _, status, _ = measure(spawn, tmp_path, 60, str(tmp_path / "missing"))
    assert status == 127
    assert "cannot run" in (tmp_path / "err").read_text()
