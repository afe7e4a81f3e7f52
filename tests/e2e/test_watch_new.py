"""The editors' conveniences: --new makes a report that compiles, --watch rebuilds."""
import re
import shutil
import subprocess
import threading

from conftest import KCVS_PDF, ROOT, run_kcvs


def pdftext(path):
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def test_new_creates_a_report_that_compiles(tmp_path):
    folder = tmp_path / "jaarverslag-2026"
    r = run_kcvs("--new", folder)
    assert r.returncode == 0, r.stderr
    for name in ("report.xml", "README.md", "sections/01-eerste-werkspoor.xml"):
        assert (folder / name).is_file()
        if name.endswith(".xml"):
            assert "<?xml-model" in (folder / name).read_text()
    out = tmp_path / "r.pdf"
    r = run_kcvs("-W", "error", folder / "report.xml", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "Eerste werkspoor" in pdftext(out)


def test_new_refuses_an_existing_folder(tmp_path):
    r = run_kcvs("--new", tmp_path)
    assert r.returncode == 2 and "cannot create folder" in r.stderr


def read_until(stream, word, seen):
    """Reads the watcher's messages (blocking, no clock) until one holds
    WORD; False when the stream ends first. SEEN collects every line."""
    for line in stream:
        seen.append(line)
        if word in line:
            return True
    return False


def test_watch_rebuilds_after_a_section_changes(tmp_path):
    """The rebuild follows the edit (inotify, no polling). Nothing is timed:
    the test waits for the watcher's own messages (first build, watching,
    rebuilt); a hang is ended by killing the watcher after 10 minutes,
    which then fails the test for the message that never came."""
    folder = tmp_path / "r"
    assert run_kcvs("--new", folder).returncode == 0
    out = tmp_path / "w.pdf"
    proc = subprocess.Popen([str(KCVS_PDF), "--watch", str(folder / "report.xml"), "-o", str(out)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    hang_guard = threading.Timer(600, proc.kill)
    hang_guard.start()
    seen = []
    try:
        assert read_until(proc.stderr, "watching", seen), f"no first build: {seen}"
        assert out.exists() and any("rebuilt" in line for line in seen), seen
        first = out.stat().st_mtime_ns
        section = folder / "sections" / "01-eerste-werkspoor.xml"
        section.write_text(section.read_text().replace(
            "<title>Eerste werkspoor</title>", "<title>Gewijzigd werkspoor</title>"))
        assert read_until(proc.stderr, "rebuilt", seen), f"no rebuild after the edit: {seen}"
        assert out.stat().st_mtime_ns != first
        assert "Gewijzigd werkspoor" in pdftext(out)
        # no temporary file is left beside the PDF for a viewer to trip on
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".w.pdf")]
    finally:
        hang_guard.cancel()
        proc.terminate()
        proc.wait()
        proc.stderr.close()


def test_new_report_names_its_schema_by_a_relative_path(tmp_path):
    """The <?xml-model?> must not carry the path of the machine the folder
    was made on: it names the copy of the schema inside the folder, which
    travels with it, and each file validates against what it names even
    after the folder is moved."""
    made = tmp_path / "made"
    r = run_kcvs("--new", made)
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "elders" / "verplaatst"
    folder.parent.mkdir()
    shutil.move(str(made), str(folder))
    for f in folder.rglob("*"):
        if f.is_file():
            text = f.read_text()
            assert str(ROOT) not in text and str(tmp_path) not in text, f"{f} names a local path"
    for name in ("report.xml", "sections/01-eerste-werkspoor.xml"):
        text = (folder / name).read_text()
        href = re.search(r'<\?xml-model href="([^"]+)"', text).group(1)
        assert not href.startswith("/"), href
        schema = (folder / name).parent / href
        assert schema.is_file(), f"{name}: {href} does not exist"
        v = subprocess.run(["xmllint", "--noout", "--relaxng", str(schema), str(folder / name)],
                           capture_output=True, text=True)
        assert v.returncode == 0, v.stderr
