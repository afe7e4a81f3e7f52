""".ci/install-deps.sh waits for another apt/dpkg instead of failing.

apt-get and dpkg-query are stand-ins on PATH: one package is reported
missing, and apt-get fails with dpkg's lock message a given number of times
before it succeeds, so nothing is installed and no real lock is needed."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "install-deps.sh"

LOCKED = ("E: Could not get lock /var/lib/dpkg/lock-frontend. "
          "It is held by process 4242 (unattended-upgr)")


def stubs(tmp_path, failures):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "left").write_text(str(failures))
    (bin_dir / "dpkg-query").write_text(
        "#!/bin/sh\ncase \"$*\" in *gcc*) exit 1 ;; esac\necho 'install ok installed'\n")
    (bin_dir / "apt-get").write_text(
        "#!/bin/sh\n"
        f"left=$(cat '{tmp_path}/left')\n"
        f"echo \"$*\" >> '{tmp_path}/calls'\n"
        "if [ \"$left\" -gt 0 ]; then\n"
        f"  echo $((left - 1)) > '{tmp_path}/left'\n"
        f"  echo '{LOCKED}' >&2; exit 100\n"
        "fi\n")
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}",
               KCVS_APT_LOCK_POLL="1", KCVS_APT_LOCK_WAIT="1")
    return env


def run_script(env):
    # as root no sudo is involved; the stand-ins answer for apt-get
    return subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60)


def test_waits_for_the_dpkg_lock_then_installs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the script uses sudo when not root")
    r = run_script(stubs(tmp_path, failures=1))
    assert r.returncode == 0, r.stderr
    assert "waiting for another apt/dpkg to finish" in r.stderr, r.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls[-1].startswith("install") and "gcc" in calls[-1], calls


def test_gives_up_after_the_bound_with_a_message(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the script uses sudo when not root")
    r = run_script(stubs(tmp_path, failures=100))
    assert r.returncode != 0
    assert "still locked by another process" in r.stderr, r.stderr
