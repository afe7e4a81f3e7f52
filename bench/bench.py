#!/usr/bin/python3
"""The measuring half of bench/run.sh (which installs, builds inputs and calls
this). Standard library only, plus bench/quality.py.

  bench/bench.py [--no-fop REASON] [--only NAME,NAME] [--runs N] [--fop-runs N]

Times every input with kcvs-pdf (and Apache FOP through bench/fop.sh), prints
the results table and the target check, writes build/bench/results.md, and
exits 1 when a target is missed by more than 25 % (or a run fails).

Wall time and peak RSS come from wait4() on a child forked by bench/spawn
(built by run.sh): the same rusage that /usr/bin/time -f '%e %M' prints, but
with sub-millisecond wall-clock resolution (%e has 10 ms steps, too coarse for
a 20 ms run), and from a process small enough not to lift the child's peak
(see bench/spawn.c). For bench/fop.sh the peak is that of the largest process
in the tree (the JVM), as ru_maxrss of a reaped child includes its reaped
descendants.
"""
import argparse
import datetime
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no bench/__pycache__
sys.path.insert(0, os.path.join(ROOT, "bench"))
import quality  # noqa: E402

OUT = os.path.join("build", "bench")
PDFS = os.path.join(OUT, "out")
# The binary under test is copied here first, so that a ./kcvs-pdf rebuilt
# by someone else during the run cannot mix two builds in one table; it finds
# styles/, fonts/ and schema/ through KCVS_PDF_DATADIR.
KCVS = OUT + "/kcvs-pdf"
SPAWN = OUT + "/spawn"

# name, source, kcvs-pdf runs, FOP runs, rows (tables)
INPUTS = [
    ("x1", "content/report.xml", 7, 3, 0),
    ("x10", OUT + "/x10/report.xml", 7, 1, 0),
    ("x100", OUT + "/x100/report.xml", 3, 1, 0),
    ("long200", OUT + "/long200/report.xml", 3, 1, 0),
    ("table1k", OUT + "/table1k/report.xml", 7, 1, 1000),
    ("table5k", OUT + "/table5k/report.xml", 3, 1, 5000),
    ("table10k", OUT + "/table10k/report.xml", 3, 1, 10000),
    # 20,000 pages: the real report's workstreams 1000 times (28 MB of XML in
    # 20,000 included files, under the 32 MiB limit). One run, no warm-up;
    # no FOP (it would need hours and more memory than the machine has).
    ("x1000", OUT + "/x1000/report.xml", 1, 0, 0),
    # about 98,000 pages, near the 100,000-page limit (one run, no FOP)
    ("sect95k", OUT + "/sect95k/report.xml", 1, 0, 0),
]
KCVS_TIMEOUT = 300
# inputs that may take longer than KCVS_TIMEOUT on a busy machine
LONG_TIMEOUT = {"x1000": 3600, "sect95k": 3600}
FOP_TIMEOUT = 900
TOLERANCE = 0.25


def run_once(argv, stderr_path, timeout):
    """(wall seconds, peak RSS KiB, exit status, CPU seconds) of one run,
    measured by bench/spawn (see there: why not from this process)."""
    exe = argv[0] if "/" in argv[0] else shutil.which(argv[0])
    r = subprocess.run([SPAWN, stderr_path, str(int(timeout)), exe, *argv[1:]],
                       capture_output=True, text=True, timeout=timeout + 60)
    if r.returncode != 0:
        raise RuntimeError("bench/spawn failed: %s" % r.stderr.strip())
    wall, rss, status, cpu = r.stdout.split()
    return float(wall), int(rss), os.waitstatus_to_exitcode(int(status)), float(cpu)


def tail(path, n=6):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:]).rstrip()
    except OSError:
        return ""


def pdf_pages(pdf):
    try:
        out = subprocess.run(["pdfinfo", pdf], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
    except OSError:
        return None
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def measure(label, argv, runs, pdf, timeout, warmup, problems):
    """Median seconds, peak KiB, list of all times; None on failure."""
    err = pdf + ".stderr"
    if warmup:
        run_once(argv, err, timeout)
    times, cpus, peak = [], [], 0
    for i in range(runs):
        t, rss, rc, cpu = run_once(argv, err, timeout)
        if rc != 0:
            msg = "%s exited %d after %.2f s: %s\n  stderr: %s" % (
                label, rc, t, " ".join(argv), tail(err).replace("\n", "\n          "))
            problems.append(msg)
            print("  " + msg, file=sys.stderr)
            return None
        times.append(t)
        cpus.append(cpu)
        peak = max(peak, rss)
    return {"median": statistics.median(times), "peak_kib": peak, "times": times,
            "cpu": statistics.median(cpus),
            "runs": runs, "pages": pdf_pages(pdf), "size": os.path.getsize(pdf),
            "stderr": tail(err, 3)}


def pdf_fonts(pdf):
    """[(base font name without subset tag, embedded?)] from pdffonts."""
    try:
        out = subprocess.run(["pdffonts", pdf], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
    except OSError:
        return []
    fonts = set()
    for line in out.splitlines()[2:]:
        f = line.split()
        if len(f) >= 6:
            fonts.add((f[0].split("+", 1)[-1], f[-5] == "yes"))
    return sorted(fonts)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:
        ncpu = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = "%.0f GiB" % (kb / 1048576)
    except (OSError, ValueError, IndexError):
        pass

    def cmd(*a):
        try:
            return subprocess.run(a, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  cwd=ROOT).stdout.decode(errors="replace").strip()
        except OSError:
            return ""
    if os.environ.get("KCVS_PDF"):
        commit = os.environ.get("KCVS_PDF_REV", "unknown: external binary")
    else:
        commit = cmd("git", "rev-parse", "--short", "HEAD")
        if commit and cmd("git", "status", "--porcelain", "--untracked-files=no", "src"):
            commit += " + uncommitted changes in src/"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": ncpu, "cpu": model, "mem": mem,
        "os": "%s %s" % (platform.system(), platform.release()),
        "kcvs": cmd(KCVS, "--version"), "commit": commit,
    }


def fop_version():
    try:
        out = subprocess.run(["fop", "-version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=120).stdout.decode()
        v = [l for l in out.splitlines() if "FOP Version" in l]
        j = subprocess.run(["java", "-version"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT).stdout.decode().splitlines()
        return "%s, %s" % (v[0].strip() if v else "FOP ?", j[0].strip() if j else "java ?")
    except (OSError, subprocess.TimeoutExpired):
        return "FOP ?"


def fmt_ms(s):
    return "%.1f" % (s * 1000) if s < 10 else "%.0f" % (s * 1000)


def mib(kib):
    return kib / 1024.0


def page_count(k):
    """The run's page count as a number, None when unknown."""
    try:
        return int(k["pages"]) if k else None
    except (TypeError, ValueError):
        return None


def per_page(k):
    """(pages per second, µs of wall time per page) as text for the table."""
    n = page_count(k)
    if not n or not k["median"]:
        return ("–", "–")
    return ("%.0f" % (n / k["median"]), "%.0f" % (k["median"] / n * 1e6))


def results_table(rows, fop_on):
    h = ("| input | pages | kcvs-pdf median ms | kcvs-pdf peak MB | size KB | FOP median s "
         "| FOP peak MB | FOP/kcvs ratio | FOP pages | kcvs-pdf CPU ms | pages/s | µs/page "
         "| runs kcvs/FOP |")
    lines = [h, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, k, f in rows:
        kc = ("| %s | %s | %s | %.0f | %.0f " % (name, k["pages"], fmt_ms(k["median"]),
                                                 mib(k["peak_kib"]), k["size"] / 1024.0)
              if k else "| %s | FAILED | – | – | – " % name)
        if f == "not run":
            fc = "| – | – | – | – "
        elif f:
            ratio = "%.0f×" % (f["median"] / k["median"]) if k else "–"
            fc = "| %.2f | %.0f | %s | %s " % (f["median"], mib(f["peak_kib"]), ratio, f["pages"])
        elif fop_on:
            fc = "| FAILED | – | – | – "
        else:
            fc = "| – | – | – | – "
        runs = "%s/%s" % (k["runs"] if k else "–", f["runs"] if f and f != "not run" else "–")
        rate = "| %s | %s " % per_page(k)
        lines.append(kc + fc + "| %s " % (fmt_ms(k["cpu"]) if k else "–") + rate + "| %s |" % runs)
    return "\n".join(lines)


def check(results, startup, fop_on, problems):
    """[(status, text)]; status OK, MISS (within 25 %) or FAIL."""
    out = []

    def k(name):
        r = results.get(name)
        return r[0] if r else None

    def f(name):
        r = results.get(name)
        return r[1] if r else None

    def upper(what, value, limit, unit, fmtv="%.1f"):
        if value is None:
            out.append(("FAIL", "%s: no measurement" % what))
            return
        st = "OK" if value <= limit else ("MISS" if value <= limit * (1 + TOLERANCE) else "FAIL")
        out.append((st, ("%s: " + fmtv + " %s (target ≤ " + fmtv + " %s)") % (what, value, unit, limit, unit)))

    def lower(what, value, limit, unit):
        if value is None:
            out.append(("FAIL", "%s: no measurement" % what))
            return
        st = "OK" if value >= limit else ("MISS" if value >= limit * (1 - TOLERANCE) else "FAIL")
        out.append((st, "%s: %.1f%s (target ≥ %.0f%s)" % (what, value, unit, limit, unit)))

    x1, x100 = k("x1"), k("x100")
    # issue 16's targets
    upper("x1 (real report) time", x1 and x1["median"] * 1000, 15, "ms")
    upper("x1 output size", x1 and x1["size"] / 1024.0, 150, "KB")
    if fop_on:
        lower("x1 speed-up over FOP", x1 and f("x1") and f("x1")["median"] / x1["median"], 150, "×")
    upper("x100 time", x100 and x100["median"] * 1000, 500, "ms", "%.0f")
    upper("x100 peak RSS", x100 and mib(x100["peak_kib"]), 80, "MB", "%.0f")
    if fop_on:
        lower("x100 speed-up over FOP", x100 and f("x100") and f("x100")["median"] / x100["median"],
              15, "×")
    if x1 and x100:
        net = max(x1["median"] - startup, 1e-4)
        upper("x100 time vs 110 × (x1 − startup %.1f ms)" % (startup * 1000),
              x100["median"] * 1000, 110 * net * 1000, "ms", "%.0f")
    else:
        out.append(("FAIL", "x100 scaling: no measurement"))
    # time per page flat: x1000 (~20,800 pages) within 1.25× of x100's
    x1000 = k("x1000")
    upper("x1000 time", x1000 and x1000["median"], 6, "s")
    upper("x1000 peak RSS", x1000 and mib(x1000["peak_kib"]), 600, "MB", "%.0f")
    n100, n1000 = page_count(x100), page_count(x1000)
    if n100 and n1000:
        p100 = x100["median"] / n100 * 1e6
        upper("x1000 time per page (x100: %.0f µs/page)" % p100,
              x1000["median"] / n1000 * 1e6, 1.25 * p100, "µs", "%.0f")
    else:
        out.append(("FAIL", "page linearity (x100, x1000): no measurement"))
    t1, t5, t10 = k("table1k"), k("table5k"), k("table10k")
    if t1 and t10:
        p1 = (t1["median"] - startup) / 1000
        p10 = (t10["median"] - startup) / 10000
        extra = ""
        if t5:
            extra = "; 5k: %.1f µs/row" % ((t5["median"] - startup) / 5000 * 1e6)
        upper("table linearity, 10k time per row (1k: %.1f µs/row%s)" % (p1 * 1e6, extra),
              p10 * 1e6, 1.5 * p1 * 1e6, "µs")
    else:
        out.append(("FAIL", "table linearity: no measurement"))
    for p in problems:
        out.append(("FAIL", "run failed: " + p.splitlines()[0]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-fop", metavar="REASON", default=None)
    ap.add_argument("--only", default="")
    ap.add_argument("--runs", type=int, default=0, help="kcvs-pdf runs for every input")
    ap.add_argument("--fop-runs", type=int, default=0, help="FOP runs for every input")
    a = ap.parse_args()
    os.chdir(ROOT)
    try:
        t_start = float(os.environ.get("BENCH_T0", ""))
    except ValueError:
        t_start = time.time()
    os.makedirs(PDFS, exist_ok=True)
    src_bin = os.environ.get("KCVS_PDF", "./kcvs-pdf")
    if not os.access(src_bin, os.X_OK):
        print("bench: %s is not an executable (make kcvs-pdf first)" % src_bin, file=sys.stderr)
        return 2
    shutil.copy2(src_bin, KCVS + ".tmp")
    os.replace(KCVS + ".tmp", KCVS)
    os.environ.setdefault("KCVS_PDF_DATADIR", ROOT)
    with open(KCVS, "rb") as fb:
        bin_sha = hashlib.file_digest(fb, "sha256").hexdigest()[:12]
    fop_on = a.no_fop is None
    only = set(filter(None, a.only.split(",")))
    problems = []

    m = machine()
    fopv = fop_version() if fop_on else "not run: " + a.no_fop
    print("machine: %s, nproc %s, %s RAM, %s" % (m["cpu"], m["nproc"], m["mem"], m["os"]))
    print("date:    %s" % m["date"])
    print("kcvs:    %s (commit %s), binary %s sha256 %s" % (m["kcvs"], m["commit"] or "?",
                                                           src_bin, bin_sha))
    print("FOP:     %s" % fopv)

    load0 = os.getloadavg()
    print("load:    %.2f %.2f %.2f at start" % load0)
    if load0[0] > 0.5 * m["nproc"]:
        print("warning: the machine is busy (1-minute load %.1f on %d CPUs): "
              "wall times will be inflated; compare the CPU column" % (load0[0], m["nproc"]))
    # startup: the median of `kcvs-pdf --version`
    st = []
    for _ in range(21):
        t, _, _, _ = run_once([KCVS, "--version"], os.path.join(PDFS, "version.stderr"), 30)
        st.append(t)
    startup = statistics.median(st[1:])
    print("startup: %.2f ms (median of 20 runs of kcvs-pdf --version)" % (startup * 1000))

    results = {}
    rows = []
    for name, src, kruns, fruns, _ in INPUTS:
        if only and name not in only:
            continue
        if not os.path.exists(src):
            problems.append("%s: input %s missing (bench/gen.py not run?)" % (name, src))
            continue
        kruns = a.runs or kruns
        fruns = a.fop_runs or fruns
        kpdf = os.path.join(PDFS, name + ".kcvs.pdf")
        print("%-9s kcvs-pdf ×%d ..." % (name, kruns), end="", flush=True, file=sys.stderr)
        k = measure("kcvs-pdf " + name, [KCVS, "-q", src, "-o", kpdf], kruns, kpdf,
                    LONG_TIMEOUT.get(name, KCVS_TIMEOUT), kruns > 1, problems)
        if k:
            print(" %s ms" % fmt_ms(k["median"]), end="", flush=True, file=sys.stderr)
        f = None
        if fop_on and fruns == 0:
            f = "not run"
        elif fop_on:
            fpdf = os.path.join(PDFS, name + ".fop.pdf")
            print("  FOP ×%d ..." % fruns, end="", flush=True, file=sys.stderr)
            f = measure("FOP " + name, ["sh", "bench/fop.sh", src, fpdf], fruns, fpdf,
                        FOP_TIMEOUT, False, problems)
            if f:
                print(" %.2f s" % f["median"], end="", flush=True, file=sys.stderr)
        print("", file=sys.stderr)
        results[name] = (k, f)
        rows.append((name, k, f))

    font_notes = []
    for name, k, f in rows:
        if f and f != "not run":
            fonts = pdf_fonts(os.path.join(PDFS, name + ".fop.pdf"))
            bad = [n for n, emb in fonts if not emb or not n.startswith("NotoSans")]
            if bad or not fonts:
                font_notes.append("FOP %s: fonts not embedded Noto Sans: %s" % (name, ", ".join(bad) or "none found"))
    if fop_on and rows and not font_notes:
        font_notes.append("FOP PDFs embed Noto Sans only (pdffonts: %s)" % ", ".join(
            sorted({n for name, k, f in rows if f and f != "not run"
                    for n, _ in pdf_fonts(os.path.join(PDFS, name + ".fop.pdf"))})))
    table = results_table(rows, fop_on)
    print()
    print(table)
    runs_note = ("kcvs-pdf: median wall time of the runs shown (after 1 untimed warm-up run), "
                 "CPU = median user+sys; "
                 "FOP (xsltproc + fop, JVM start included): median of the runs shown, no warm-up. "
                 "MB = MiB of peak RSS, KB = KiB.")
    print(runs_note)
    for n in font_notes:
        print(n)

    checks = check(results, startup, fop_on, problems) if not only else []
    if checks:
        print()
        print("targets (a miss beyond %d %% fails the run):" % (TOLERANCE * 100))
        for s, t in checks:
            print("  %-4s %s" % (s, t))

    qual = ""
    if fop_on and results.get("x1") and results["x1"][0] and results["x1"][1]:
        qual = quality.table([("kcvs-pdf", quality.measure(PDFS + "/x1.kcvs.pdf")),
                              ("FOP", quality.measure(PDFS + "/x1.fop.pdf"))])
    elif results.get("x1") and results["x1"][0]:
        qual = quality.table([("kcvs-pdf", quality.measure(PDFS + "/x1.kcvs.pdf"))])
    if qual:
        print()
        print("typographic quality of the real report (bench/quality.py):")
        print(qual)

    elapsed = time.time() - t_start
    load1 = os.getloadavg()
    print()
    print("whole benchmark took %.0f s; load average %.2f %.2f %.2f at the end" % ((elapsed,) + load1))

    with open(os.path.join(OUT, "results.md"), "w") as fo:
        fo.write("# kcvs-pdf benchmark results\n\n")
        fo.write("- date: %s\n- machine: %s, nproc %s, %s RAM, %s\n- kcvs-pdf: %s (commit %s)\n"
                 "- binary: %s, sha256 %s\n- FOP: %s\n- kcvs-pdf startup (`--version`): %.2f ms\n- whole run: %.0f s\n"
                 "- load average: %.2f at the start, %.2f at the end (1 minute)\n\n"
                 % (m["date"], m["cpu"], m["nproc"], m["mem"], m["os"], m["kcvs"],
                    m["commit"] or "?", src_bin, bin_sha, fopv, startup * 1000, elapsed,
                    load0[0], load1[0]))
        fo.write(table + "\n\n" + runs_note + "\n")
        for n in font_notes:
            fo.write("\n" + n + "\n")
        if checks:
            fo.write("\n## Targets\n\n")
            for s, t in checks:
                fo.write("- **%s** %s\n" % (s, t))
        if qual:
            fo.write("\n## Typographic quality of the real report\n\n" + qual + "\n")
        if problems:
            fo.write("\n## Problems\n\n")
            for p in problems:
                fo.write("```\n%s\n```\n" % p)
    print("wrote %s" % os.path.join(OUT, "results.md"))
    failed = [t for s, t in checks if s == "FAIL"]
    if failed or problems:
        print("bench: FAILED (missed by more than %d %% or run failed):" % (TOLERANCE * 100))
        for t in failed or problems:
            print("  " + t.splitlines()[0])
        return 1
    if only:
        print("bench: partial run (--only): targets not checked")
    else:
        print("bench: all targets met (or missed by at most %d %%)" % (TOLERANCE * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
