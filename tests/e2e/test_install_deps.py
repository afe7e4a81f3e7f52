""".ci/install-deps.sh waits for another apt/dpkg instead of failing, and
installs everything `make check` uses: every program its scripts and tests
run and every Python module the tests (and the shared checker) import comes
from a package it lists, a dependency of one, or a package every Debian
system has.

apt-get and dpkg-query are stand-ins on PATH: one package is reported
missing, and apt-get fails with dpkg's lock message a given number of times
before it succeeds, so nothing is installed and no real lock is needed."""
import os
import re
import shutil
import sys
import subprocess
from pathlib import Path

import pytest

from conftest import PDFCHECK

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


# ---- what `make check` runs is what the script installs -------------------

# The scripts `make check` runs (bench/ is not part of it: bench/run.sh
# installs FOP itself).
CHECK_SCRIPTS = ["tests/check.sh", "tests/run-unit.sh", "tests/structure.sh",
                 "tests/validate_content.sh", "tests/e2e/run.sh", "tests/faults/run.sh",
                 "tests/fuzz/run.sh", "tests/js/install.sh", "tests/layout/run.sh"]
# A command word: at a line's start or after | ; && || $( ` then do else.
SHELL_COMMAND = re.compile(r"(?:^|[|;&`(]|\$\(|\bthen\b|\bdo\b|\belse\b)\s*([a-z][\w.+-]*)",
                           re.M)
PYTHON_COMMAND = re.compile(r"(?:subprocess\.\w+\(\s*\[|\btool\(|shutil\.which\()\s*"
                            r"[\"']([a-z][\w.+-]*)[\"']")
PYTHON_IMPORT = re.compile(r"^\s*(?:import|from)\s+([a-zA-Z_]\w*)", re.M)
# Words at a command's place in the scripts that are awk's or Python's
# inside them (print, file[n], zip(...), (w, g)), not programs.
NOT_COMMANDS = {"print", "file", "zip", "w"}
# Given on the fresh machine the README starts from.
GIVEN = {"build-essential", "git"}


def install_lists():
    text = SCRIPT.read_text()
    words = set()
    for name in ("BUILD", "TEST"):
        m = re.search(rf'^{name}="([^"]*)"', text, re.M)
        assert m, name
        words.update(m.group(1).split())
    return words


def package_of(path):
    """The Debian package that installed PATH (following links), or None."""
    candidates = [str(path), os.path.realpath(path)]
    # /bin is a link to /usr/bin on a merged-/usr system; dpkg knows either
    candidates += [c.replace("/usr/bin/", "/bin/", 1) for c in candidates]
    for p in dict.fromkeys(candidates):
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if not line.startswith("diversion by") and ": " in line:
                return line.split(":", 1)[0].split(",")[0].strip()
    return None


def is_base(package):
    """Essential or of priority required: on every Debian system."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Essential} ${Priority}", package],
                       capture_output=True, text=True)
    return r.returncode == 0 and (r.stdout.startswith("yes") or "required" in r.stdout)


def installed_with(listed):
    """LISTED and the packages given, with everything they depend on (apt
    installs those too)."""
    r = subprocess.run(["apt-cache", "depends", "--recurse", "--installed", "--no-recommends",
                        "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                        "--no-enhances", *sorted(listed | GIVEN)],
                       capture_output=True, text=True)
    deps = {line.split(":", 1)[1].strip().strip("<>") for line in r.stdout.splitlines()
            if "Depends:" in line}
    return listed | GIVEN | {d.split(":")[0] for d in deps}


def commands_the_tests_run():
    names = set()
    for script in CHECK_SCRIPTS:
        names.update(SHELL_COMMAND.findall((ROOT / script).read_text()))
    for py in list((ROOT / "tests").rglob("*.py")):
        names.update(PYTHON_COMMAND.findall(py.read_text(errors="replace")))
    return names - NOT_COMMANDS


def test_every_command_the_tests_run_is_installed():
    if shutil.which("dpkg") is None:
        pytest.skip("not a Debian system")
    listed = installed_with(install_lists())
    missing = []
    for name in sorted(commands_the_tests_run()):
        path = shutil.which(name)
        if path is None or not os.path.isabs(path):
            continue            # a shell word, function or variable, not a program
        package = package_of(path)
        if package and package not in listed and not is_base(package):
            missing.append(f"{name} ({package})")
    assert missing == [], f"not installed by .ci/install-deps.sh test: {missing}"


def test_every_module_the_tests_import_is_installed():
    if shutil.which("dpkg") is None:
        pytest.skip("not a Debian system")
    import importlib.util
    listed = install_lists()
    local = {p.stem for p in (ROOT / "tests").rglob("*.py")} | \
            {p.stem for p in (ROOT / "bench").glob("*.py")}
    missing = []
    names = set()
    # the shared PDF/A + PDF/UA checker the tests run checks fonts only with fontTools
    shared = [p for p in [PDFCHECK] if p.is_file()]
    for py in list((ROOT / "tests").rglob("*.py")) + [ROOT / "bench" / "quality.py"] + shared:
        names.update(PYTHON_IMPORT.findall(py.read_text(errors="replace")))
    for name in sorted(names - local - set(sys.builtin_module_names)):
        spec = importlib.util.find_spec(name)
        origin = spec and (spec.origin or next(iter(spec.submodule_search_locations or []), None))
        if not origin or "/dist-packages/" not in origin:
            continue            # the standard library
        package = package_of(origin)
        if package and package not in listed:
            missing.append(f"{name} ({package})")
    assert missing == [], f"not listed in .ci/install-deps.sh TEST: {missing}"


# ---- the static archives the shipped binary links --------------------------

def static_archives():
    """The -l names between -Wl,-Bstatic and -Wl,-Bdynamic in the Makefile."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    m = re.search(r"^STATIC_LIBS\s*:=(.*)$", text, re.M)
    assert m, "the Makefile has no STATIC_LIBS"
    static = m.group(1).split("-Wl,-Bstatic", 1)[1].split("-Wl,-Bdynamic", 1)[0]
    names = re.findall(r"-l(\S+)", static)
    assert names, static
    return names


def test_every_static_archive_comes_from_a_package_the_script_installs():
    if shutil.which("dpkg") is None:
        pytest.skip("not a Debian system")
    build = re.search(r'^BUILD="([^"]*)"', SCRIPT.read_text(), re.M).group(1).split()
    listed = installed_with(set(build))
    missing = []
    for name in static_archives():
        path = subprocess.run(["gcc", f"-print-file-name=lib{name}.a"], capture_output=True,
                              text=True).stdout.strip()
        assert os.path.isabs(path), f"lib{name}.a is not installed here"
        package = package_of(path)
        if package is None or package not in listed:
            missing.append(f"lib{name}.a ({package})")
    assert missing == [], f"not installed by .ci/install-deps.sh: {missing}"


def test_the_binary_loads_none_of_the_libraries_it_links_statically():
    # the shipped binary, whichever binary (the sanitizers' one) the suite runs
    binary = ROOT / "kcvs-pdf"
    if shutil.which("readelf") is None or not binary.is_file():
        pytest.skip("no readelf or no binary")
    r = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[lib([^].]+)", r.stdout)
    assert needed, r.stdout
    loaded = sorted(set(static_archives()) & set(needed))
    assert loaded == [], f"linked statically, yet loaded at start: {loaded}"
