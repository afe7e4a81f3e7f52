"""Page content streams are compressed by KCVS_THREADS threads (default 2):
the output is the same bytes whatever the number, and every page's content
is a Flate stream readers decode."""

import os
import resource
import signal
import subprocess

import pikepdf
import pytest

from conftest import KCVS_PDF, REPORT_XML, TIMEOUT, compile_ok, run_kcvs


def test_one_two_and_five_threads_give_the_same_bytes(tmp_path):
    # the report has more pages than the pool holds in flight, so the
    # ring of jobs wraps around with every thread count
    outs = [compile_ok(REPORT_XML, tmp_path / f"t{n}.pdf",
                       env={"KCVS_THREADS": str(n)}).path for n in (1, 2, 5)]
    with pikepdf.open(outs[0]) as pdf:
        assert len(pdf.pages) > 16
    for other in outs[1:]:
        assert subprocess.run(["cmp", outs[0], other]).returncode == 0


def test_page_contents_are_flate_streams_that_decode(report):
    with pikepdf.open(report.path) as pdf:
        for page in pdf.pages:
            contents = page.obj.Contents
            assert contents.Filter == pikepdf.Array([pikepdf.Name.FlateDecode])
            assert b"BT" in contents.read_bytes() or b" re" in contents.read_bytes()


def _threads_started(tmp_path, threads):
    """How many threads (clone calls) a compilation of the report starts."""
    trace = tmp_path / f"clones{threads}.txt"
    env = dict(os.environ, KCVS_THREADS=str(threads))
    # the sanitizers' binary: LeakSanitizer cannot run under ptrace
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    res = subprocess.run(["strace", "-f", "-qq", "-e", "trace=clone,clone3", "-o", str(trace),
                          KCVS_PDF, str(REPORT_XML), "-o", str(tmp_path / f"t{threads}.pdf")],
                         env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert res.returncode == 0, res.stderr
    return sum(1 for line in trace.read_text().splitlines()
               if "clone" in line and "= -1" not in line)


def test_one_thread_runs_everything_on_the_main_thread(tmp_path):
    # the README: with 1, the schema is read and checked, and the included
    # files read, on the main thread
    assert _threads_started(tmp_path, 1) == 0
    assert _threads_started(tmp_path, 2) > 0


@pytest.mark.parametrize("value", ["0", "-1", "65", "two", "2x"])
def test_a_bad_thread_count_is_refused(tmp_path, value):
    res = run_kcvs(REPORT_XML, "-o", tmp_path / "x.pdf", env={"KCVS_THREADS": value})
    assert res.returncode == 2
    assert f"KCVS_THREADS='{value}'" in res.stderr
    assert not (tmp_path / "x.pdf").exists()


def _small_file_limit():
    # a file may grow to 64 KB, and passing it fails the write (EFBIG)
    # instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_write_that_fails_while_saving_is_reported_and_leaves_no_file(tmp_path):
    # libharu writes straight into the file: a write refused part-way is
    # the output's error with its cause, and the temporary file is gone
    out = tmp_path / "big.pdf"
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    res = subprocess.run([str(KCVS_PDF), REPORT_XML, "-o", out], env=env,
                         capture_output=True, text=True, timeout=TIMEOUT,
                         preexec_fn=_small_file_limit)
    assert res.returncode == 2, res.stderr
    assert f"{out}: error: cannot write the output: File too large" in res.stderr
    assert list(tmp_path.iterdir()) == []
