"""`make dist` makes a release tarball that builds and works by itself."""
import os
import shutil
import subprocess
import tarfile

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.mark.skipif(not os.path.isdir(os.path.join(ROOT, ".git")) or not shutil.which("git"),
                    reason="make dist packs the git checkout")
def test_release_tarball_builds_and_compiles_the_report(tmp_path):
    r = subprocess.run(["make", "--no-print-directory", "dist"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    tarballs = [f for f in os.listdir(os.path.join(ROOT, "out")) if f.endswith(".tar.gz")]
    assert tarballs, r.stdout
    with tarfile.open(os.path.join(ROOT, "out", sorted(tarballs)[-1])) as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        for needed in ("Makefile", "README.md", "src/cli/main.c", "schema/kcvs.rng",
                       "styles/kcvs.xml", "fonts/OFL-Noto.txt", "content/report.xml"):
            assert f"{top}/{needed}" in names, needed
        tar.extractall(tmp_path)
    tree = tmp_path / top
    r = subprocess.run(["make", "--no-print-directory", "-j2", "kcvs-pdf"], cwd=tree,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    r = subprocess.run([str(tree / "kcvs-pdf"), "content/report.xml", "-o", str(tmp_path / "r.pdf")],
                       cwd=tree, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "r.pdf").stat().st_size > 10000
