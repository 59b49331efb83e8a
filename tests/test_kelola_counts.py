"""Kelola Data says, before loading, which valid rows are new, changed or unchanged against the
current data (by each table's key, as the load upserts), and refreshes itself after a load."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conftest import INOVASI_HEADER, app_at, inovasi_row, write_csv
from dasbor import store
from etl.load import run

KELOLA = "pages/7_kelola_data.py"


def _body(rows: list[list[str]], header: list[str] = INOVASI_HEADER) -> bytes:
    return "\n".join(";".join(r) for r in [header, *rows]).encode()


THREE = [inovasi_row("SAMA-1"), inovasi_row("SAMA-2"), inovasi_row("SAMA-3", kode_wilayah="73.15")]
ONE_CHANGED = [THREE[0], inovasi_row("SAMA-2", jenis="non_digital"), THREE[2]]
ONE_MORE = [*THREE, inovasi_row("SAMA-4")]


def test_a_check_compares_valid_rows_with_the_current_data_by_the_tables_key(tmp_path):
    first = write_csv(tmp_path / "a", "inovasi.csv", INOVASI_HEADER, THREE)
    assert run([first], write=False).compared == {"inovasi": {"new": 3, "changed": 0, "unchanged": 0, "repeated": 0}}
    assert run([first], write=True).compared == {}  # a load says what it wrote instead ("changed")
    assert run([first], write=False).compared["inovasi"] == {"new": 0, "changed": 0, "unchanged": 3, "repeated": 0}
    changed = write_csv(tmp_path / "b", "inovasi.csv", INOVASI_HEADER, ONE_CHANGED)
    assert run([changed], write=False).compared["inovasi"] == {"new": 0, "changed": 1, "unchanged": 2, "repeated": 0}
    more = write_csv(tmp_path / "c", "inovasi.csv", INOVASI_HEADER, ONE_MORE)
    assert run([more], write=False).compared["inovasi"] == {"new": 1, "changed": 0, "unchanged": 3, "repeated": 0}
    # a rejected row is counted in none of them
    bad = write_csv(tmp_path / "d", "inovasi.csv", INOVASI_HEADER, [*THREE, inovasi_row("SAMA-5", inisiator="x")])
    check = run([bad], write=False)
    assert check.tables["inovasi"]["rejected"] == 1
    assert check.compared["inovasi"] == {"new": 0, "changed": 0, "unchanged": 3, "repeated": 0}
    # and the load agrees with the check: it writes the changed row only
    assert run([changed], write=True).tables["inovasi"]["changed"] == 1


def test_a_stage_given_twice_counts_once_and_the_other_as_repeated(tmp_path):
    write_csv(tmp_path / "a", "inovasi.csv", INOVASI_HEADER, THREE)
    run([tmp_path / "a"], write=True)
    header = ["kode_inovasi", "tahap", "tanggal"]
    rows = [["SAMA-1", "usulan", "22/11/2017"], ["SAMA-1", "kajian", "01/12/2017"], ["SAMA-1", "kajian", "05/12/2017"]]
    write_csv(tmp_path / "b", "tahapan.csv", header, rows)
    check = run([tmp_path / "b"], write=False)
    # SAMA-1's usulan was derived from its tanggal_usulan: a real row with the same date replaces it
    # (turunan differs), so it is changed; kajian is new, its earlier date superseded in the batch.
    assert check.compared["tahapan"] == {"new": 1, "changed": 1, "unchanged": 0, "repeated": 1}
    assert sum(check.compared["tahapan"].values()) == check.tables["tahapan"]["loaded"]
    run([tmp_path / "b"], write=True)
    again = run([tmp_path / "b"], write=False).compared["tahapan"]
    assert again == {"new": 0, "changed": 0, "unchanged": 2, "repeated": 1}


def _load_button(at):
    return next(b for b in at.button if b.label.startswith(("Muat", "Load")))


def test_kelola_says_a_re_upload_changes_nothing_and_counts_a_change_and_a_new_row(sample_data):
    at = app_at(KELOLA, role="admin")
    at.file_uploader[0].upload("inovasi.csv", _body(THREE), "text/csv").run()
    assert _load_button(at).label == "Muat 3 baris (3 baru, 0 berubah, 0 tidak berubah)"
    counts = at.dataframe[0].value
    assert list(counts.columns) == ["Tabel", "Dibaca", "Lolos", "Ditolak", "Baru", "Berubah", "Tidak berubah"]
    assert counts.iloc[0].tolist() == ["inovasi", 3, 3, 0, 3, 0, 0]
    _load_button(at).click().run()
    assert not at.exception and "Dimuat sebagai muatan" in at.success[0].value
    written = at.dataframe[0].value  # the load's own report: what it wrote
    assert list(written.columns) == ["Tabel", "Dibaca", "Lolos", "Ditolak", "Ditulis"]
    assert written.values.tolist() == [["inovasi", 3, 3, 0, 3]]  # no row for tahapan, which no file had
    assert any("Juga 3 tahap diturunkan dari tahap_terkini" in c.value for c in at.caption)  # their usulan

    # The same file again: every row unchanged, and the page says loading changes nothing.
    at.file_uploader[0].upload("inovasi.csv", _body(THREE), "text/csv").run()
    assert _load_button(at).label == "Muat 3 baris (0 baru, 0 berubah, 3 tidak berubah)"
    assert any("tidak mengubah apa pun" in i.value for i in at.info)
    _load_button(at).click().run()
    assert not at.exception and at.dataframe[0].value.iloc[0].tolist() == ["inovasi", 3, 3, 0, 0]
    history = next(d.value for d in at.dataframe if "#" in d.value.columns)
    assert history[["Baris dimuat", "Baris ditulis"]].iloc[:2].values.tolist() == [[3, 0], [3, 3]]
    # the load's report stays through a rerun (a download, a choice in the history) until the next upload
    at.run()
    assert "Dimuat sebagai muatan" in at.success[0].value

    at.file_uploader[0].upload("inovasi.csv", _body(ONE_CHANGED), "text/csv").run()
    assert _load_button(at).label == "Muat 3 baris (0 baru, 1 berubah, 2 tidak berubah)"
    assert not [s for s in at.success if "Dimuat sebagai muatan" in s.value]
    assert not any("tidak mengubah apa pun" in i.value for i in at.info)
    at = app_at(KELOLA, role="admin")  # a fresh visit, the file with one more row
    at.file_uploader[0].upload("inovasi.csv", _body(ONE_MORE), "text/csv").run()
    assert _load_button(at).label == "Muat 4 baris (1 baru, 0 berubah, 3 tidak berubah)"
    assert at.dataframe[0].value.iloc[0].tolist() == ["inovasi", 4, 4, 0, 1, 0, 3]


def test_kelola_counts_in_english(sample_data):
    run([write_csv(sample_data.parent / "batch", "inovasi.csv", INOVASI_HEADER, THREE)], write=True)
    store.close_readers()
    at = app_at(KELOLA, {"lang": "en"}, role="admin")
    at.file_uploader[0].upload("inovasi.csv", _body(ONE_MORE), "text/csv").run()
    assert _load_button(at).label == "Load 4 rows (1 new, 0 changed, 3 unchanged)"
    assert list(at.dataframe[0].value.columns) == ["Table", "Read", "Valid", "Rejected", "New", "Changed", "Unchanged"]
    at.file_uploader[0].upload("inovasi.csv", _body(THREE), "text/csv").run()
    assert _load_button(at).label == "Load 3 rows (0 new, 0 changed, 3 unchanged)"
    assert any("changes nothing" in i.value for i in at.info)


class _At2031(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2031, 5, 6, 7, 8, tzinfo=UTC)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_after_a_load_the_freshness_line_and_history_are_new_and_no_filter_form_shows(sample_data, monkeypatch, lang):
    import etl.load

    monkeypatch.setattr(etl.load, "datetime", _At2031)  # the load's time, so the line is sure to differ
    at = app_at(KELOLA, {"lang": lang} if lang == "en" else {}, role="admin")
    fresh = "Data terakhir dimuat: 6 Mei 2031 07:08 UTC" if lang == "id" else "Data last loaded: 6 May 2031 07:08 UTC"
    assert fresh not in [c.value for c in at.caption]
    unknown = inovasi_row("PANJANG-2", inisiator="bukan sumber yang dikenal")
    at.file_uploader[0].upload("inovasi.csv", _body([inovasi_row("PANJANG-1"), unknown]), "text/csv").run()
    _load_button(at).click().run()
    assert not at.exception
    assert fresh in [c.value for c in at.caption]
    said = "ditolak dan tidak dimuat" if lang == "id" else "were rejected and not loaded"
    assert said in at.error[0].value
    assert ("akan ditolak" if lang == "id" else "will be rejected") not in at.error[0].value  # past, not future
    assert not [m for m in at.sidebar.markdown if m.value in ("**Filter**", "**Filters**")]
    assert not at.sidebar.get("form") and not at.sidebar.slider
    # the load history's rejected rows: translated headers, the reason in the page's language, whole
    history = at.dataframe[-1].value
    headers = ["Berkas", "Lembar", "Baris", "Kolom", "Nilai", "Alasan"]
    if lang == "en":
        headers = ["File", "Sheet", "Row", "Column", "Value", "Reason"]
    assert list(history.columns) == headers
    reason = history[headers[-1]].iloc[0]
    assert history[headers[1]].iloc[0] == "–"  # a CSV has no sheet
    assert reason.startswith("unknown value" if lang == "en" else "nilai tidak dikenal"), reason
    assert reason.endswith("perangkat_daerah, masyarakat")  # the whole list of codes, to its last
    rows = "1 baris" if lang == "id" else "1 row"
    assert any(t.value == f"{rows}: {reason}" for t in at.text)  # the whole reason, as text
    raw = {"berkas", "lembar", "baris", "kolom", "nilai", "alasan", "alasan_en"}
    assert not raw & {c for d in at.dataframe for c in d.value.columns}


def test_etl_check_prints_what_a_load_would_do(tmp_path, capsys):
    from etl.__main__ import main

    write_csv(tmp_path / "a", "inovasi.csv", INOVASI_HEADER, THREE)
    run([tmp_path / "a"], write=True)
    write_csv(tmp_path / "b", "inovasi.csv", INOVASI_HEADER, ONE_MORE)
    capsys.readouterr()
    assert main(["check", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "inovasi: dibaca 4, lolos 4, ditolak 0\n" in out
    assert "bila dimuat: baru 1, berubah 0, tidak berubah 3" in out
