"""A data officer's journey through Kelola Data in a real browser, in Indonesian and in English: a file
with rejected rows is checked, its reasons read whole, loaded, and uploaded again unchanged."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest

from dasbor import fmt

pytestmark = pytest.mark.e2e

HEADER = "kode_inovasi;nama_inovasi;kode_wilayah;perangkat_daerah;inisiator;bentuk;jenis;tanggal_usulan;tahap_terkini"

WORDS = {
    "id": {
        "menu": "Kelola Data",
        "problems": "2 masalah",
        "button": "Muat 2 baris (2 baru, 0 berubah, 0 tidak berubah)",
        "again": "Muat 2 baris (0 baru, 0 berubah, 2 tidak berubah)",
        "nothing": "tidak mengubah apa pun",
        "report": "Unduh laporan penolakan (CSV)",
        "history": "Unduh baris yang ditolak muatan #{n} (CSV)",
        "headers": ["Berkas", "Lembar", "Baris", "Kolom", "Nilai", "Alasan"],
        "loaded": "Dimuat sebagai muatan #{n}",
        "check": "(belum dimuat)",
        "fresh": "Data terakhir dimuat: {stamp}",
        "row": "1 baris: ",
    },
    "en": {
        "menu": "Manage data",
        "problems": "2 problems",
        "button": "Load 2 rows (2 new, 0 changed, 0 unchanged)",
        "again": "Load 2 rows (0 new, 0 changed, 2 unchanged)",
        "nothing": "changes nothing",
        "report": "Download rejection report (CSV)",
        "history": "Download the rows load #{n} rejected (CSV)",
        "headers": ["File", "Sheet", "Row", "Column", "Value", "Reason"],
        "loaded": "Loaded as load #{n}",
        "check": "(not loaded yet)",
        "fresh": "Data last loaded: {stamp}",
        "row": "1 row: ",
    },
}


def _upload(tab, path: Path) -> None:
    tab.page.locator('input[type="file"]').set_input_files(str(path))
    tab.page.wait_for_timeout(1000)
    tab.settle()


def _last_load(server) -> tuple[int, object]:
    """The newest load of the server's current snapshot: its number and time (read-only, beside it)."""
    root = Path(server["env"]["INOVASI_DATA_DIR"])
    snap = root / "snapshots" / (root / "CURRENT").read_text().strip()
    with duckdb.connect(str(snap), read_only=True) as con:
        return con.execute("select id, waktu at time zone 'UTC' from muatan order by id desc limit 1").fetchall()[0]


def _shown_whole(tab, text: str) -> bool:
    """``text`` is in the check's 'reasons in full' (the first expander; the load history below has its
    own) as one element, and nothing of it is cut off or scrolled away."""
    reasons = tab.page.locator('[data-testid="stExpander"]').first
    node = reasons.locator('[data-testid="stText"]').filter(has_text=text)
    if node.count() != 1 or not node.is_visible():
        return False
    return node.evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.innerText.trim().length > 0")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_admin_checks_a_file_with_rejected_rows_reads_every_reason_loads_it_and_uploads_it_again(
    tab, server, tmp_path, lang
):
    w, code = WORDS[lang], f"KJ-{lang.upper()}"
    # Streamlit scrolls inside its own container, so a full-page shot is the window: make it the page's height
    tab.page.set_viewport_size({"width": 1400, "height": 2400})
    tab.goto("/?lang=en" if lang == "en" else "/")
    tab.sign_in("admin")
    tab.menu(w["menu"])
    assert tab.title() == w["menu"]
    assert tab.page.locator('[data-testid="stSidebar"] [data-testid="stForm"]').count() == 0  # no filter form
    batch = tmp_path / "inovasi.csv"
    batch.write_text(
        "\n".join(
            [
                HEADER,
                f"{code}-1;Uji Satu;73.15;Dinas;asn;lainnya;digital;01/02/2026;",
                f"{code}-2;Uji Dua;73.15;Dinas;asn;lainnya;digital;01/02/2026;",
                f"{code}-3;Uji Tiga;73.15;Dinas;bupati kami;lainnya;digital;01/02/2026;",
                f"{code}-4;Uji Empat;73.15;Dinas;asn;lainnya;digital;01/02/2026;Tahap Uji",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    _upload(tab, batch)
    assert w["problems"] in tab.page.locator('[data-testid="stAlert"]').filter(has_text=w["problems"]).inner_text()
    assert tab.page.get_by_role("button", name=w["button"], exact=True).is_visible()
    report = list(csv.DictReader(io.StringIO(tab.download(w["report"]))))
    assert [(r[w["headers"][2]], r[w["headers"][3]]) for r in report] == [("4", "inisiator"), ("5", "tahap_terkini")]
    for row in report:  # every reason, to its last word, as one line of text the reader can see
        reason = row[w["headers"][5]]
        assert len(reason) > 80 and reason.endswith(("masyarakat", "dihentikan")), reason
        assert _shown_whole(tab, w["row"] + reason), reason
    tab.check(label=f"kelola-{lang}-diperiksa")

    tab.page.get_by_role("button", name=w["button"], exact=True).click()
    tab.page.wait_for_timeout(1000)
    tab.settle()
    load_id, when = _last_load(server)
    assert tab.page.get_by_text(w["loaded"].format(n=load_id)).count() == 1
    assert tab.page.get_by_text(w["check"]).count() == 0  # the check of the files just loaded is gone
    stamp = f"{fmt.date(when, lang)} {when:%H:%M} UTC"
    assert tab.page.get_by_text(w["fresh"].format(stamp=stamp), exact=True).count() == 1
    history = list(csv.DictReader(io.StringIO(tab.download(w["history"].format(n=load_id)))))
    assert list(history[0]) == w["headers"] and len(history) == 2  # translated headers, not raw names
    tab.settle()  # the download reran the page: the load's report is still there
    assert tab.page.get_by_text(w["loaded"].format(n=load_id)).count() == 1
    tab.check(label=f"kelola-{lang}-dimuat")

    _upload(tab, batch)  # the same file again: nothing would change
    assert tab.page.get_by_role("button", name=w["again"], exact=True).is_visible()
    assert tab.page.locator('[data-testid="stAlert"]').filter(has_text=w["nothing"]).count() == 1
    tab.check(label=f"kelola-{lang}-unggah-ulang")
    assert re.search(w["problems"], tab.page.locator("body").inner_text())  # its rejected rows said again
