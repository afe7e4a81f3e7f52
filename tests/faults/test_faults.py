"""Fault injection: nothing the editor had is lost when writing the PDF fails.

Every case starts from an earlier good PDF at the target (or a file that
must not be touched) and checks, after the faulty run: a clear error (or the
signal's exit status), the earlier file byte-for-byte intact, and no
temporary `.NAME.XXXXXX` left in the folder. Cases that need root (a small
tmpfs for a full disk, device nodes) are skipped with the reason where the
machine does not allow them.

Nothing here times anything: runs that are interrupted are interrupted once
their temporary file exists (polled, bounded by a count), runs that hang
would be stopped by the subprocess timeout, and the watch case checks for
the absence of a second build within a bound.
"""
import html
import os
import resource
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KCVS = (ROOT / os.environ.get("KCVS_PDF", "./kcvs-pdf")).resolve()
REPORT = ROOT / "content" / "report.xml"
LISTS = ROOT / "tests" / "data" / "e2e" / "lists.xml"
SEED = ROOT / "tests" / "data" / "seed-paragraphs.txt"
TIMEOUT = 300
IS_ROOT = os.geteuid() == 0


def run(*args, cwd=None, env_extra=None, **kw):
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    env.update(env_extra or {})
    return subprocess.run([str(KCVS), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT, **kw)


def temporaries(folder):
    return sorted(p.name for p in Path(folder).iterdir()
                  if p.name.startswith(".") and p.is_file())


def good_pdf(target):
    """Compiles the small lists document to target: the earlier PDF."""
    r = run(LISTS, "-o", target)
    assert r.returncode == 0, r.stderr
    return Path(target).read_bytes()


def assert_failed_cleanly(r, target, before, status=2):
    assert r.returncode == status, f"exit {r.returncode}, expected {status}:\n{r.stderr}"
    assert Path(target).read_bytes() == before, "the earlier file was changed"
    assert temporaries(Path(target).parent) == [], "a temporary file was left"


# ------------------------------------------------------------ a full disk

@pytest.fixture
def small_tmpfs(tmp_path):
    """A 200 KB tmpfs: room for the small PDF, not for the real report's
    (112 KB) beside it."""
    if not IS_ROOT:
        pytest.skip("a full disk needs a small tmpfs, and mounting one needs root")
    mnt = tmp_path / "full"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): "
                    f"{r.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=True)


@pytest.fixture(scope="module")
def report_size(tmp_path_factory):
    out = tmp_path_factory.mktemp("size") / "report.pdf"
    r = run(REPORT, "-o", out)
    assert r.returncode == 0, r.stderr
    return out.stat().st_size


@pytest.mark.parametrize("room", ["all-but-the-last-buffer", "half"])
def test_disk_full_keeps_the_earlier_pdf(small_tmpfs, report_size, room):
    """all-but-the-last-buffer: every 4 KB page of the PDF fits except the
    last, partial one, which a stdio writer only sends at fclose (libharu
    did not notice that failure and renamed a truncated PDF over the good
    one)."""
    target = small_tmpfs / "report.pdf"
    before = good_pdf(target)
    page = os.statvfs(small_tmpfs).f_frsize
    want = (report_size - 1) // page * page if room != "half" else report_size // 2
    free = os.statvfs(small_tmpfs).f_bavail * page
    assert free > want, "the tmpfs is too small for this test"
    filler = small_tmpfs / "filler"
    filler.write_bytes(b"\0" * (free - want))
    assert os.statvfs(small_tmpfs).f_bavail * page <= want
    r = run(REPORT, "-o", target)
    filler.unlink()
    assert "No space left on device" in r.stderr, r.stderr
    assert f"{target}: error: cannot write the output" in r.stderr, r.stderr
    assert_failed_cleanly(r, target, before)


def test_disk_full_for_a_new_pdf_leaves_nothing(small_tmpfs):
    (small_tmpfs / "filler").write_bytes(b"\0" * (150 * 1024))
    target = small_tmpfs / "new.pdf"
    r = run(REPORT, "-o", target)
    assert r.returncode == 2 and "No space left on device" in r.stderr, r.stderr
    assert not target.exists()
    assert temporaries(small_tmpfs) == []


def limited_file_size(kilobytes):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (kilobytes << 10, kilobytes << 10))
    return limit


@pytest.mark.parametrize("dump", [False, True])
def test_a_file_size_limit_is_a_reported_write_error(tmp_path, report_size, dump):
    """Under ulimit -f the write past the limit raised SIGXFSZ, whose default
    kills the process: no message of kcvs-pdf's, and the temporary file
    left beside the earlier PDF. It is a write error like a full disk."""
    target = tmp_path / ("report.txt" if dump else "report.pdf")
    before = good_pdf(target)
    kilobytes = max(len(before), report_size // 2) // 1024 + 1
    assert kilobytes * 1024 < report_size
    r = run(*(["--dump-layout"] if dump else []), REPORT, "-o", target,
            preexec_fn=limited_file_size(kilobytes))
    what = "the layout dump" if dump else "the output"
    assert r.stderr == f"{target}: error: cannot write {what}: File too large\n", r.stderr
    assert_failed_cleanly(r, target, before)


# ------------------------------------------------------------ wrong -o

@pytest.fixture
def report_copy(tmp_path):
    dest = tmp_path / "r"
    shutil.copytree(REPORT.parent, dest)
    return dest


def test_output_naming_the_source_is_refused(report_copy):
    src = report_copy / "report.xml"
    before = src.read_bytes()
    r = run(src, "-o", src)
    assert "the source of the document" in r.stderr, r.stderr
    assert_failed_cleanly(r, src, before)


def test_output_naming_an_included_file_is_refused(report_copy):
    inc = sorted((report_copy / "sections").glob("*.xml"))[0]
    before = inc.read_bytes()
    r = run(report_copy / "report.xml", "-o", inc)
    assert "an included file of the document" in r.stderr, r.stderr
    assert_failed_cleanly(r, inc, before)


def test_output_naming_a_file_included_as_text_is_refused(tmp_path):
    """A code sample pulled in with parse="text" is read like every other
    include: -o naming it must not overwrite it."""
    (tmp_path / "code.txt").write_text("int x;\n")
    src = tmp_path / "doc.xml"
    src.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0" xml:lang="nl-BE">\n'
        '  <info><title>Code</title></info>\n'
        '  <section><title>Voorbeeld</title>\n'
        '    <programlisting><xi:include href="code.txt" parse="text"/></programlisting>\n'
        '  </section>\n</article>\n')
    inc = tmp_path / "code.txt"
    before = inc.read_bytes()
    r = run(src, "-o", inc)
    assert "an included file of the document" in r.stderr, r.stderr
    assert_failed_cleanly(r, inc, before)


@pytest.mark.parametrize("device", ["null", "full"])
def test_output_naming_a_device_is_refused(tmp_path, device):
    """-o /dev/null or /dev/full as root. Tested on private nodes of the
    same devices (mknod in tmp_path), never on the real ones: a broken
    build would replace the machine's /dev/null with a regular file."""
    if not IS_ROOT:
        pytest.skip("only root could replace a device node: run as root to test it")
    real = os.stat(f"/dev/{device}")
    node = tmp_path / device
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, real.st_rdev)
    except OSError as e:
        pytest.skip(f"cannot make a device node here: {e}")
    before = os.stat(node)
    r = run(LISTS, "-o", node)
    assert r.returncode == 2, r.stderr
    assert "not a regular file" in r.stderr, r.stderr
    after = os.stat(node)
    assert stat.S_ISCHR(after.st_mode), f"-o {node} replaced the device node"
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert temporaries(tmp_path) == []


def test_output_naming_a_fifo_or_folder_is_refused(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    for target in (fifo, folder):
        r = run(LISTS, "-o", target)
        assert r.returncode == 2 and f"{target}: error: cannot write the output" in r.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and folder.is_dir()
    assert list(folder.iterdir()) == [] and temporaries(tmp_path) == []


@pytest.mark.parametrize("name", ["nieuw/", "nieuw/.", "nieuw/..", "nieuw/diep/", ""])
def test_output_naming_no_file_is_refused_before_anything_is_made(tmp_path, name):
    """-o nieuw/ made the folder nieuw, ran the whole compilation, then
    failed the rename with "Not a directory" (and -o "" with "No such file
    or directory", naming no file), leaving the folder made. The name is
    refused first, saying why, and nothing is created."""
    src = shutil.copy(LISTS, tmp_path / "lists.xml")
    for args in ([src, "-o", name], ["--dump-layout", src, "-o", name]):
        r = run(*args, cwd=tmp_path)
        assert r.returncode == 2, r.stderr
        said = f"{name}: error: " if name else "kcvs-pdf: error: "
        assert r.stderr.startswith(said + "cannot write the output: ") and \
            r.stderr.count("\n") == 1, r.stderr
        assert "it names a folder" in r.stderr or "empty" in r.stderr, r.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["lists.xml"]


@pytest.mark.parametrize("length", [247, 248, 255])
def test_an_output_name_as_long_as_a_name_can_be_is_written(tmp_path, length):
    """The temporary file's name, .NAME.XXXXXX, is 8 bytes longer than the
    target's: a legal name of 248 to 255 bytes failed with "File name too
    long" (and a path of 4,095 bytes would have). Both are written, and
    nothing else is left beside them."""
    name = "j" * (length - 4) + ".pdf"
    r = run(LISTS, "-o", tmp_path / name)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / name).read_bytes().startswith(b"%PDF-")
    # the longest path there is, its folders still to be made
    folder = tmp_path / "n"
    while len(str(folder)) + 101 <= 4094 - 150:
        folder /= "m" * 100
    target = folder / ("k" * (4094 - len(str(folder)) - 4) + ".pdf")
    assert len(str(target)) == 4095 and len(target.name) <= 250
    r = run(LISTS, "-o", target)
    assert r.returncode == 0, r.stderr
    assert [p.name for p in folder.iterdir()] == [target.name]


def test_an_output_name_longer_than_a_name_can_be_is_refused_first(tmp_path):
    """A last part of 256 bytes cannot be a file: with the folders before it
    still to be made, stat did not say so, the folders were made, and the
    run failed only at the rename. It is refused before anything is made."""
    target = tmp_path / "nieuw" / ("l" * 252 + ".pdf")
    r = run(LISTS, "-o", target)
    assert r.returncode == 2
    assert r.stderr == f"{target}: error: cannot write the output: File name too long\n"
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ signals

def test_closed_pipe_is_a_write_error_not_a_silent_death(tmp_path):
    """--list-links into a pipe nobody reads (`| head -1` after head has
    gone): SIGPIPE is ignored, the write error is reported, exit 2, and no
    file is written anywhere."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        p = subprocess.run([str(KCVS), "--list-links", str(REPORT)], cwd=tmp_path,
                           stdout=write_end, stderr=subprocess.PIPE, text=True,
                           timeout=TIMEOUT)
    finally:
        os.close(write_end)
    assert p.returncode == 2, f"exit {p.returncode}:\n{p.stderr}"
    assert "cannot write to the standard output: Broken pipe" in p.stderr, p.stderr
    assert list(tmp_path.iterdir()) == []


def test_list_links_into_head_exits_cleanly(tmp_path):
    """The shell case: whether head has gone before the one write or not,
    the status is 0 or 2 (never death by SIGPIPE) and nothing is left."""
    p = subprocess.run(f"'{KCVS}' --list-links '{REPORT}' | head -1; "
                       "echo \"status ${PIPESTATUS[0]}\"",
                       shell=True, executable="/bin/bash", cwd=tmp_path,
                       capture_output=True, text=True, timeout=TIMEOUT)
    status = int(p.stdout.strip().splitlines()[-1].split()[1])
    assert status in (0, 2), p.stdout + p.stderr
    assert list(tmp_path.iterdir()) == []


def run_closed(fd, *args):
    """A run with standard stream fd closed (`2>&-`, `>&-`), the others
    captured."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    pipes = {n: subprocess.DEVNULL if n == fd else subprocess.PIPE for n in (1, 2)}
    return subprocess.run([str(KCVS), *map(str, args)], env=env, stdout=pipes[1],
                          stderr=pipes[2], preexec_fn=lambda: os.close(fd),
                          timeout=TIMEOUT)


def test_closed_stderr_is_not_taken_by_a_file(tmp_path):
    """With stderr closed the next file opened got descriptor 2, and what
    was meant for stderr went into it: -v's lines were written at the top
    of the layout dump. The dump made with stderr closed is the one made
    with it open."""
    open_dump, closed_dump = tmp_path / "open.txt", tmp_path / "closed.txt"
    assert run("-v", "--dump-layout", REPORT, "-o", open_dump).returncode == 0
    r = run_closed(2, "-v", "--dump-layout", REPORT, "-o", closed_dump)
    assert r.returncode == 0
    assert closed_dump.read_bytes() == open_dump.read_bytes()
    assert temporaries(tmp_path) == []


def test_closed_stdout_is_still_a_write_error(tmp_path):
    """What is held in a closed stream's place is not a place to write to:
    --list-links to a closed stdout is the write error it was."""
    r = run_closed(1, "--list-links", REPORT)
    assert r.returncode == 2
    assert b"cannot write to the standard output: Bad file descriptor" in r.stderr, r.stderr


@pytest.fixture(scope="module")
def big_document(tmp_path_factory):
    """About 2,000 pages of text: enough work that a signal sent as soon as
    the temporary file appears lands mid-run."""
    folder = tmp_path_factory.mktemp("big")
    paras = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    body = []
    for s in range(100):
        body.append(f"<section><title>Werkspoor {s + 1}</title>")
        body += [f"<para>{html.escape(p, quote=False)}</para>" for p in paras]
        body.append("</section>")
    src = folder / "big.xml"
    src.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">'
        "<info><title>Groot</title><orgname>Kenniscentrum Vlaamse Steden</orgname></info>"
        + "\n".join(body) + "</article>\n", encoding="utf-8")
    return src


def wait_for_temporary(proc, folder, name):
    """Polls (bounded by a count, not a clock) until the run's temporary
    file exists; the run must still be going then."""
    for _ in range(200000):
        if any(n.startswith(f".{name}.") for n in os.listdir(folder)):
            return True
        if proc.poll() is not None:
            return False
    return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_signal_removes_the_temporary_file(tmp_path, big_document, sig):
    target = tmp_path / "big.pdf"
    before = good_pdf(target)
    proc = subprocess.Popen([str(KCVS), str(big_document), "-o", str(target)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert wait_for_temporary(proc, tmp_path, "big.pdf"), \
            f"the run ended (status {proc.returncode}) before its temporary file was seen"
        # Stop it, so that it is certainly mid-run when the signal arrives.
        proc.send_signal(signal.SIGSTOP)
        assert proc.poll() is None, "the run ended before the signal could arrive"
        proc.send_signal(sig)
        proc.send_signal(signal.SIGCONT)
        status = proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert status == 128 + sig, f"exit {status}, expected {128 + sig}"
    assert target.read_bytes() == before, "the earlier PDF was changed"
    assert temporaries(tmp_path) == [], "the temporary file was left"


# ------------------------------------------------------------ modes

def test_umask_077_gives_a_private_pdf(tmp_path):
    target = tmp_path / "private.pdf"
    old = os.umask(0o077)
    try:
        r = run(LISTS, "-o", target)
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_an_existing_pdf_keeps_its_mode(tmp_path, mode):
    target = tmp_path / "kept.pdf"
    good_pdf(target)
    target.chmod(mode)
    r = run(LISTS, "-o", target)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(target.stat().st_mode) == mode


# ------------------------------------------------------------ watch

def test_watch_ignores_its_own_output_whatever_its_name(tmp_path):
    """report.PDF inside the watched folder: the build's own rename is not
    an edit. After the first build, no second one comes within 2 s (an
    absence check with a bound); an edit still triggers one."""
    folder = tmp_path / "r"
    subprocess.run([str(KCVS), "--new", str(folder)], check=True, capture_output=True)
    out = folder / "report.PDF"
    log_path = tmp_path / "watch.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(KCVS), "--watch", str(folder / "report.xml"),
                                 "-o", str(out)], stderr=log, stdout=subprocess.DEVNULL)
        try:
            builds = lambda: log_path.read_text().count("rebuilt")
            for _ in range(600):
                if "watching" in log_path.read_text():
                    break
                time.sleep(0.1)
            assert builds() == 1, log_path.read_text()
            time.sleep(2)
            assert builds() == 1, "rebuilt without a source change:\n" + log_path.read_text()
            section = folder / "sections" / "01-eerste-werkspoor.xml"
            section.write_text(section.read_text().replace("Eerste werkspoor", "Ander werkspoor"))
            for _ in range(300):
                if builds() >= 2:
                    break
                time.sleep(0.1)
            assert builds() == 2, log_path.read_text()
            assert temporaries(folder) == []
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM


# ------------------------------------------------------------ out of memory


def run_limited(megabytes, *args):
    """A run whose address space is limited: malloc fails somewhere."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    # what a library prints while failing need not be UTF-8
    return run(*args, preexec_fn=limit, errors="replace")


@pytest.mark.skipif("asan" in KCVS.name,
                    reason="AddressSanitizer reserves more address space than any limit allows")
def test_running_out_of_memory_anywhere_loses_nothing(tmp_path):
    """Below the smallest limit under which the report compiles, malloc fails
    in a different place at every megabyte: in our allocations (one line,
    exit 2), in libhyphen (which exits by itself), in libharu or the loader.
    Wherever it fails, the earlier PDF and its folder are as they were."""
    target = tmp_path / "report.pdf"
    low, high = 8, 1024  # fails, compiles
    assert run_limited(high, REPORT, "-o", target).returncode == 0
    while high - low > 1:
        mid = (low + high) // 2
        if run_limited(mid, REPORT, "-o", target).returncode == 0:
            high = mid
        else:
            low = mid
    before = target.read_bytes()
    ours = 0
    for megabytes in range(max(8, high - 24), high):
        r = run_limited(megabytes, REPORT, "-o", target)
        if r.returncode == 0:  # the limit is not quite monotonic
            before = target.read_bytes()
            continue
        assert r.stderr.strip(), f"{megabytes} MB: failed without a word"
        assert_failed_cleanly(r, target, before, status=r.returncode)
        # libxml2 prints its own lines first when it is the one that failed
        if r.stderr.splitlines()[-1].startswith("kcvs-pdf: error: out of memory"):
            assert r.returncode == 2, r.stderr
            ours += 1
    assert ours, "no limit ran out of memory in kcvs-pdf's own allocations"


# ------------------------------------------------------------ ENOMEM opening a file

ENOMEM_SHIM = ROOT / "build" / "tests" / "libenomem_open.so"


@pytest.fixture(scope="module")
def enomem_env():
    """What runs kcvs-pdf with tests/faults/enomem_open.c preloaded: opening
    a file whose path ends with KCVS_FAULT_ENOMEM_SUFFIX fails with ENOMEM.
    The data folder is given, so that the schema's path is known."""
    assert ENOMEM_SHIM.is_file(), \
        f"no {ENOMEM_SHIM}: make {ENOMEM_SHIM.relative_to(ROOT)} (make check and make faults do)"
    env = {"LD_PRELOAD": str(ENOMEM_SHIM), "KCVS_PDF_DATADIR": str(ROOT)}
    if "asan" in KCVS.name:
        # ASan wants its runtime first among the libraries; the shim only
        # passes calls on, so being before it does no harm
        asan = os.environ.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = f"{asan}:verify_asan_link_order=0" if asan else \
            "verify_asan_link_order=0"
    probe = run("--version", env_extra=env)
    if probe.returncode != 0 and "ASan runtime" in probe.stderr:
        pytest.skip(f"the ASan build refuses a preloaded library: {probe.stderr.strip()}")
    assert probe.returncode == 0, probe.stderr
    return env


@pytest.mark.parametrize("threads", ["1", "2"])
def test_schema_unopenable_for_want_of_memory_says_out_of_memory(tmp_path, enomem_env, threads):
    """Under a low ulimit -v the C library's fopen can fail with ENOMEM as
    libxml2 opens the schema; libxml2 reports that as an I/O error
    (XML_IO_ENOMEM), not as its own XML_ERR_NO_MEMORY, and kcvs-pdf said
    "cannot load the RELAX NG schema". With one thread the schema is read
    on the main thread, with two on its own."""
    target = tmp_path / "report.pdf"
    before = good_pdf(target)
    schema = ROOT / "schema" / "kcvs.rng"
    r = run(REPORT, "-o", target, env_extra={
        **enomem_env, "KCVS_THREADS": threads, "KCVS_FAULT_ENOMEM_SUFFIX": f"/{schema.name}"})
    assert r.stderr.splitlines()[-1:] == [
        f"{schema}: error: out of memory while reading the RELAX NG schema"], r.stderr
    assert_failed_cleanly(r, target, before)


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize("style", ["shipped", "own"])
def test_style_schema_unopenable_for_want_of_memory_says_out_of_memory(tmp_path, enomem_env,
                                                                       threads, style):
    """The style sheet's schema, schema/style.rng, is read on the main
    thread whatever the threads (the document's schema meanwhile on its
    own with two): hashed for a shipped style sheet, which is then known
    valid, and parsed by libxml2 to validate any other (or a shipped one
    whose schema could not be hashed, as here). An ENOMEM opening it made
    libxml2 print its own "I/O error : Not enough space" lines and
    kcvs-pdf say "cannot load the style sheet schema"; now the one line
    says memory ran out. "own" is a copy of styles/kcvs.xml with a comment
    added: no shipped style sheet's bytes, so always validated."""
    target = tmp_path / "report.pdf"
    before = good_pdf(target)
    schema = ROOT / "schema" / "style.rng"
    args = [REPORT, "-o", target]
    if style == "own":
        own = tmp_path / "style" / "kcvs.xml"
        own.parent.mkdir()
        own.write_text((ROOT / "styles" / "kcvs.xml").read_text(encoding="utf-8")
                       + "<!-- the report's own -->\n", encoding="utf-8")
        args += ["--style", own]
    r = run(*args, env_extra={
        **enomem_env, "KCVS_THREADS": threads, "KCVS_FAULT_ENOMEM_SUFFIX": f"/{schema.name}"})
    # the one line: none of libxml2's own before it
    assert r.stderr.splitlines() == [
        f"{schema}: error: out of memory while reading the style sheet schema"], r.stderr
    assert_failed_cleanly(r, target, before)


def include_line(included):
    """The line of the report's xi:include of the file included."""
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1)
                if f'href="{included.parent.name}/{included.name}"' in line)


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize("which", ["report", "include"])
def test_document_unopenable_for_want_of_memory_names_memory(tmp_path, enomem_env, threads,
                                                              which):
    """The document's files are opened by kcvs-pdf itself, not by libxml2:
    an ENOMEM there is said with the C library's words for it, at the file
    (the report) or at the xi:include line, and it is the machine's
    fault, not the document's: exit status 2, not 1. With two threads
    KCVS_THREADS_WAIT=1 has the include tried on the prefetch thread first
    (without it the main thread reaches the first include before the
    thread does); the thread leaves what it could not read to the main
    thread, which says it."""
    target = tmp_path / "report.pdf"
    before = good_pdf(target)
    include = sorted((REPORT.parent / "sections").glob("*.xml"))[0]
    opened = REPORT if which == "report" else include
    # run elsewhere than the repository: the files are named by full path
    r = run(REPORT, "-o", target, cwd=tmp_path, env_extra={
        **enomem_env, "KCVS_THREADS": threads, "KCVS_THREADS_WAIT": "1" if threads == "2" else "0",
        "KCVS_FAULT_ENOMEM_SUFFIX": f"/{opened.name}"})
    said = (f"{REPORT}: error: cannot read file: " if which == "report" else
            f"{REPORT}:{include_line(include)}:1: error: cannot include "
            f"'sections/{include.name}': ") + "Cannot allocate memory"
    assert r.stderr.splitlines() == [said], r.stderr
    assert_failed_cleanly(r, target, before)


@pytest.mark.parametrize("threads", ["1", "2"])
def test_hyphenation_patterns_unreadable_for_want_of_memory_fail_the_run(tmp_path, enomem_env,
                                                                          threads):
    """The report's Dutch patterns are there but cannot be opened (ENOMEM):
    that was taken for a language without patterns, a warning, and the
    report was written unhyphenated with exit 0, other bytes than the same
    input gives on a sound machine. It is the machine's fault: the file
    and the cause are said, exit 2, and the earlier PDF stays."""
    patterns = Path("/usr/share/hyphen/hyph_nl_BE.dic")
    if not patterns.exists():
        pytest.skip(f"no {patterns} (Debian's hyphen-nl)")
    target = tmp_path / "report.pdf"
    before = good_pdf(target)
    r = run(REPORT, "-o", target, env_extra={
        **enomem_env, "KCVS_THREADS": threads, "KCVS_FAULT_ENOMEM_SUFFIX": f"/{patterns.name}"})
    assert r.stderr.splitlines()[0] == (
        f"{patterns}: error: cannot read the hyphenation patterns for language 'nl-BE': "
        "Cannot allocate memory"), r.stderr
    assert "no hyphenation patterns" not in r.stderr, r.stderr
    assert_failed_cleanly(r, target, before)
