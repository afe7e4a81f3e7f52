"""The editors' conveniences: --new makes a report that compiles, --watch rebuilds."""
import re
import shutil
import subprocess
import time

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


def wait_for(predicate, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_watch_rebuilds_after_a_section_changes(tmp_path):
    """The rebuild follows the edit (inotify, no polling). How soon is not
    asserted: wall-clock time depends on the machine's load; the waits are
    only safety nets."""
    folder = tmp_path / "r"
    assert run_kcvs("--new", folder).returncode == 0
    out = tmp_path / "w.pdf"
    log = open(tmp_path / "watch.log", "w")
    proc = subprocess.Popen([str(KCVS_PDF), "--watch", str(folder / "report.xml"), "-o", str(out)],
                            stderr=log, stdout=subprocess.DEVNULL)
    try:
        assert wait_for(out.exists, 30), "no first build"
        assert wait_for(lambda: "watching" in (tmp_path / "watch.log").read_text(), 10)
        first = out.stat().st_mtime_ns
        section = folder / "sections" / "01-eerste-werkspoor.xml"
        section.write_text(section.read_text().replace(
            "<title>Eerste werkspoor</title>", "<title>Gewijzigd werkspoor</title>"))
        assert wait_for(lambda: out.stat().st_mtime_ns != first, 60), "no rebuild after the edit"
        assert "Gewijzigd werkspoor" in pdftext(out)
        # no temporary file is left beside the PDF for a viewer to trip on
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".w.pdf")]
        assert "rebuilt" in (tmp_path / "watch.log").read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


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
