"""The public's data without Streamlit: every load writes a static Frictionless data package whose
CSVs are the Transparansi page's downloads, whose schema describes them, and which a reload replaces
without any reader seeing half of it."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import threading
from datetime import date
from pathlib import Path

import pytest

from conftest import INOVASI_HEADER, app_at, inovasi_row, write_csv
from dasbor import store
from etl import datapackage
from etl.load import run

PAGE = "pages/6_transparansi.py"


def package(root=None) -> tuple[dict, dict[str, bytes]]:
    folder = datapackage.folder(root)
    meta = json.loads((folder / datapackage.PACKAGE).read_text(encoding="utf-8"))
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    return meta, files


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def new_public_innovation(folder, code: str) -> None:
    """A batch of one innovation cleared for publication and implemented: public after its load."""
    header = [*INOVASI_HEADER, "publikasi", "tahap_terkini", "tanggal_uji_coba", "tanggal_penerapan"]
    row = [*inovasi_row(code, "71.07", tanggal="01/02/2021"), "ya", "penerapan", "01/06/2021", "01/09/2021"]
    write_csv(folder, "inovasi.csv", header, [row])


def test_the_package_csvs_are_the_pages_downloads_byte_for_byte(sample_data, downloads, monkeypatch):
    monkeypatch.setenv("INOVASI_PACKAGE_URL", "/publik/")  # as scripts/serve.sh and compose.yaml set it
    at = app_at(PAGE, role=None)
    page = downloads(at)
    _, files = package()
    assert files[datapackage.DATA_CSV] == page[datapackage.DATA_CSV]
    assert files[datapackage.DICTIONARY_CSV] == page["Unduh kamus data (CSV)"]  # (given whole, named by its label)
    # and the page links to it
    assert any("](/publik/datapackage.json)" in m.value for m in at.markdown)
    assert any("](/publik/inovasi_daerah_publik.csv)" in m.value for m in at.markdown)


def package_links(at) -> list[str]:
    return [m.value for m in at.markdown if "datapackage.json" in m.value or "Frictionless" in m.value]


def test_with_no_package_address_the_page_shows_no_link_and_keeps_everything_else(sample_data, downloads, monkeypatch):
    """Under a plain `streamlit run` (scripts/start.sh) nothing serves /publik/: a link there would lead
    to Streamlit's own page, so with the setting empty (its default) the page shows none, and is
    otherwise the page shown with the setting: the same text, the same downloads, byte for byte."""
    for lang in ("id", "en"):
        monkeypatch.setenv("INOVASI_PACKAGE_URL", "/publik/")
        linked = app_at(PAGE, params={"lang": lang}, role=None)
        linked_files = downloads(linked)
        monkeypatch.delenv("INOVASI_PACKAGE_URL")
        at = app_at(PAGE, params={"lang": lang}, role=None)
        assert not at.exception
        assert package_links(at) == [] and len(package_links(linked)) == 1, lang
        assert not any("/publik/" in m.value for m in at.markdown)
        assert [m.value for m in at.markdown] == [
            m.value for m in linked.markdown if m.value not in package_links(linked)
        ]
        assert [b.label for b in at.get("download_button")] == [b.label for b in linked.get("download_button")]
        assert downloads(at) == linked_files  # the page's own downloads stay, the package's bytes among them
        assert linked_files[datapackage.DATA_CSV] == package()[1][datapackage.DATA_CSV]


def test_a_package_address_elsewhere_is_linked_as_given(sample_data, monkeypatch):
    """A CDN or another web server may serve the folder: a full address, its final slash added."""
    monkeypatch.setenv("INOVASI_PACKAGE_URL", " https://data.example.go.id/inovasi ")
    at = app_at(PAGE, params={"lang": "en"}, role=None)
    [note] = package_links(at)
    assert "[datapackage.json](https://data.example.go.id/inovasi/datapackage.json)" in note
    assert "[CSV](https://data.example.go.id/inovasi/inovasi_daerah_publik.csv)" in note


def test_the_schema_describes_every_column_and_every_value(sample_data):
    meta, files = package()
    assert meta["profile"] == "tabular-data-package"
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert "CC BY 4.0" in files[datapackage.LICENCE_FILE].decode()
    by_path = {r["path"]: r for r in meta["resources"]}
    assert set(by_path) == {datapackage.DATA_CSV, datapackage.DICTIONARY_CSV}
    for path, resource in by_path.items():  # each file is the one the package describes
        body = files[path]
        assert resource["bytes"] == len(body)
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
        assert resource["rows"] == len(rows_of(body)) - 1
        assert [f["name"] for f in resource["schema"]["fields"]] == rows_of(body)[0]
    data = by_path[datapackage.DATA_CSV]
    fields = {f["name"]: f for f in data["schema"]["fields"]}
    # hand-picked expectations: what each kind of column must be declared as
    assert fields["kode_inovasi"]["type"] == "string" and data["schema"]["primaryKey"] == ["kode_inovasi"]
    assert fields["tahun_usulan"]["type"] == "integer"
    assert fields["tanggal_penetapan"]["type"] == "date" and fields["tanggal_penerapan"]["type"] == "date"
    assert fields["anggaran"]["type"] == "number"
    assert fields["jenis"]["constraints"]["enum"] == ["digital", "non_digital"]
    assert fields["tahap_terjauh"]["constraints"]["enum"][0] == "penetapan"
    # every value of the CSV is valid under its field
    table = rows_of(files[datapackage.DATA_CSV])
    header, body = table[0], table[1:]
    assert body, "the sample has public innovations"
    seen_keys = set()
    for row in body:
        for name, value in zip(header, row, strict=True):
            field = fields[name]
            if value == "":
                assert not field.get("constraints", {}).get("required"), (name, row[0])
                continue
            if field["type"] == "integer":
                int(value)
            elif field["type"] == "number":
                assert float(value) >= field.get("constraints", {}).get("minimum", float("-inf"))
            elif field["type"] == "date":
                date.fromisoformat(value)
            if "enum" in field.get("constraints", {}):
                assert value in field["constraints"]["enum"], (name, value)
        assert row[0] not in seen_keys
        seen_keys.add(row[0])


def test_a_reload_replaces_the_package_atomically_and_readers_never_see_half(sample_data, tmp_path):
    folder = datapackage.folder()
    datapackage.write(store.current_snapshot())  # as a load leaves it (the fixture's copy made the link a folder)
    before_meta, before = package()
    old_version = os.path.realpath(folder)
    stop, problems, reads = threading.Event(), [], [0]

    def reader():
        # what a web server does: open the served folder's files, again and again, during the reload
        while not stop.is_set():
            try:
                version = os.path.realpath(folder)
                names = set(os.listdir(version))
                meta = json.loads(Path(version, datapackage.PACKAGE).read_bytes())
                body = Path(version, datapackage.DATA_CSV).read_bytes()
                stated = next(r["hash"] for r in meta["resources"] if r["path"] == datapackage.DATA_CSV)
                if names != set(before) or stated != "sha256:" + hashlib.sha256(body).hexdigest():
                    problems.append(f"half a package in {version}: {sorted(names)}")
                reads[0] += 1
            except (OSError, ValueError) as exc:
                problems.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        new_public_innovation(tmp_path / "batch", "BARU-PUBLIK-1")
        report = run([tmp_path / "batch"], write=True)
    finally:
        stop.set()
        thread.join()
    assert report.exit_code == 0, report.rejected
    assert not problems, problems[:3]
    assert reads[0] > 0
    after_meta, after = package()
    assert os.path.realpath(folder) != old_version
    assert os.path.isdir(old_version), "the previous version is kept for downloads under way"
    assert after_meta["version"] == report.snapshot.removesuffix(".duckdb")
    codes = [r[0] for r in rows_of(after[datapackage.DATA_CSV])[1:]]
    assert "BARU-PUBLIK-1" in codes
    assert len(codes) == len(rows_of(before[datapackage.DATA_CSV])) - 1 + 1
    assert "datapackage" in report.seconds
    # nothing temporary is left beside the versions or the link
    root = store.settings.data_dir()
    assert not [p for p in (root / datapackage.VERSIONS).iterdir() if p.name.startswith(".")]
    assert not [p for p in root.iterdir() if p.name.startswith(f".{datapackage.FOLDER}")]


def test_a_package_that_cannot_be_written_leaves_the_old_one_and_never_fails_the_load(
    sample_data, tmp_path, monkeypatch
):
    before_meta, before = package()
    real = store.write_new
    calls = []

    def full_disk(path, data):
        calls.append(path.name)
        if path.name == datapackage.DATA_CSV:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(store, "write_new", full_disk)
    new_public_innovation(tmp_path / "batch", "BARU-PUBLIK-2")
    report = run([tmp_path / "batch"], write=True)
    assert datapackage.DATA_CSV in calls
    assert report.exit_code == 0  # the load itself is published
    assert store.current_snapshot().name == report.snapshot
    notice = next(n for n in report.notices if n.startswith("paket data publik tidak diperbarui"))
    assert "disk penuh" in notice.lower() and f"{datapackage.VERSIONS} (No space left" in notice
    after_meta, after = package()
    assert after == before and after_meta == before_meta  # the old package is still served, whole
    root = store.settings.data_dir()
    assert not [p for p in (root / datapackage.VERSIONS).iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("prior", ["link", "folder"])
def test_the_package_replaces_a_link_or_a_folder(sample_data, prior):
    import shutil

    root, snap, served = store.settings.data_dir(), store.current_snapshot(), datapackage.folder()
    datapackage.write(snap, root)
    assert served.is_symlink()
    if prior == "folder":  # left by a mount without symbolic links, or by a backup that copied it
        target = os.path.realpath(served)
        served.unlink()
        shutil.copytree(target, served)
        assert not served.is_symlink()
    assert datapackage.write(snap, root) == []
    assert served.is_symlink()
    meta, _ = package()
    assert meta["version"] == snap.name.removesuffix(".duckdb")


def test_the_query_writer_gives_the_cells_the_frame_writer_gives(tmp_path):
    """The public list's CSV is written by DuckDB (``store.csv_bytes``, 16× faster at 690,000 rows);
    every other CSV by pandas (``charts.csv_bytes``). Both give the same bytes, tricky cells included."""
    import duckdb

    from dasbor import charts

    snapshot = tmp_path / "t.duckdb"
    with duckdb.connect(str(snapshot)) as con:
        con.execute(
            """
            create table t as select * from (values
                ('a,b', 1, 1.5::double, date '2020-01-02', '', true, timestamp '2020-01-02 10:30:00'),
                ('say "hi"', 2, null, null, null, false, null),
                ('baris\nbaru', 3, 38758000.0, date '2021-03-04', 'x', null, timestamp '2021-03-04 00:00:00'),
                ('=SUM(A1)', 4, 1e17, null, '-1', true, null),
                ('+62 812', 5, 0.1, date '1999-12-31', '@nama', true, null),
                ('Bantuan; "Ibu" Hamil', null, -2.25, null, 'é ü 中文', false, null)
            ) v(nama, n, anggaran, tanggal, catatan, aktif, dimuat)
            """
        )
    sql = "select * from t order by nama"
    by_query = store.csv_bytes(sql, None, snapshot)
    by_frame = charts.csv_bytes(store.query(sql, None, snapshot))
    assert by_query.startswith(b"\xef\xbb\xbf")
    written = {row[0]: row for row in rows_of(by_query)}
    assert written["'=SUM(A1)"][4] == "'-1" and written["'+62 812"][4] == "'@nama"
    assert by_query == by_frame
