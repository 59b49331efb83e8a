"""Build dasbor/locale/{id,en}/LC_MESSAGES/messages.po from `pybabel extract` and the codemod's pairs.

Run from the repo root after codemod_i18n.py and manual_i18n.py: python build_catalog.py notes_pairs.json
"""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

SUPPLEMENT = {
    # N_-marked messages (their English was in tuples the codemod does not read)
    "tahun usulan": "proposal years",
    "provinsi": "province",
    "wilayah": "region",
    "sumber": "source",
    "bentuk": "form",
    "jenis": "type",
    "urusan": "affair",
    "tahap": "stage",
    "Kegiatan pembinaan dan keikutsertaan dalam kompetisi tampil bagi pengguna yang sudah masuk.": (
        "Outreach events and competition entries are shown to signed-in users."
    ),
    "Ya": "Yes",
    "Tidak": "No",
    "Kode": "Code",
    "Inovasi": "Innovation",
    "Wilayah": "Region",
    "Perangkat daerah": "Agency",
    "Tahap terkini": "Current stage",
    "Diusulkan": "Proposed",
    "Masuk tahap": "Entered stage",
    "Hari di tahap": "Days in stage",
    "Evaluasi": "Evaluations",
    "Belum dievaluasi.": "Not evaluated yet.",
    "Penghargaan": "Awards",
    "Belum ada penghargaan.": "No awards.",
    # messages the hand edits wrote
    "Anda keluar di peramban ini, tetapi {cause}.": "You are signed out in this browser, but {cause}.",
    " Tanpa titik (kurang dari {n} kegiatan yang dapat dihitung): {kinds}.": (
        " No point (fewer than {n} computable events): {kinds}."
    ),
    "usulan tahun {first}–{last}": "proposals of {first}–{last}",
    "usulan semua tahun": "proposals of all years",
    "Pemuatan gagal; tidak ada yang dimuat dan data lama tetap dipakai.": (
        "The load failed; nothing was loaded and the old data stays in use."
    ),
    "Berkas tidak dapat diperiksa; tidak ada yang dimuat.": "The files could not be checked; nothing was loaded.",
    "Provinsi {nama}": "{nama} Province",
    "lebih banyak": "more",
    "lebih sedikit": "fewer",
    "{n} inovasi cocok": "{n} innovations match",
    "; {k} terbaru ditampilkan": "; the newest {k} are shown",
    ". Hari di tahap = hari sejak masuk tahap terkini (untuk tahap yang belum selesai). Pilih satu baris untuk melihat rinciannya.": (
        ". Days in stage = days since entering the current stage (for stages not yet finished). Select a row to see its details."
    ),
}


# placeholders renamed by the hand edits (manual2_i18n.py), in the Indonesian and the English alike
RENAMED = {
    "{what_0}": "{what}",
    "{what_1}": "{what}",
    "{why_id}": "{why}",
    "{why_en}": "{why}",
    "{what_id}": "{what}",
    "{what_en}": "{what}",
    "{join_names}": "{names}",
    "{get_wilayah}": "{name}",
    "{get_wilayah2}": "{name}",
    "{id}": "{problem}",
    "{en}": "{problem}",
    "{lebih_banyak_if_more}": "{direction}",
    "{more_if_more_else_fe}": "{direction}",
    "{number_active} {week_if_active_1_els} with": "{number_active} week(s) with",
}


def renamed(text: str) -> str:
    for old, new in RENAMED.items():
        text = text.replace(old, new)
    return text


def main() -> None:
    pairs = json.loads(Path(sys.argv[1]).read_text())
    english = {(p.get("context"), renamed(p["id"])): renamed(p["en"]) for p in pairs}
    for k, v in SUPPLEMENT.items():
        english.setdefault((None, k), v)
    locale = Path("dasbor/locale")
    pot = locale / "messages.pot"
    subprocess.run(
        [".venv/bin/pybabel", "extract", "-F", "babel.cfg", "--no-default-keywords", "-k", "t", "-k", "tc:1c,2",
         "-k", "tr:2", "-k", "trc:2c,3", "-k", "N_", "--sort-by-file", "--no-wrap", "--project", "dasbor-inovasi-daerah", "-o", str(pot),
         "dasbor", "pages", "dashboard.py"],
        check=True,
    )  # fmt: skip
    with open(pot, "rb") as fh:
        template = read_po(fh)
    missing = []
    for lang in ("id", "en"):
        with open(pot, "rb") as fh:
            cat = read_po(fh, locale=lang)
        cat.locale = lang
        cat.fuzzy = False
        for msg in cat:
            if not msg.id:
                continue
            if lang == "id":
                msg.string = msg.id
            else:
                en = english.get((msg.context, msg.id))
                if en is None:
                    missing.append((msg.context, msg.id))
                    continue
                msg.string = en
        out = locale / lang / "LC_MESSAGES" / "messages.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "wb") as fh:
            write_po(fh, cat, width=0, sort_by_file=True)
    print(f"{len(template)} messages; {len(missing)} without English")
    for m in missing:
        print("MISSING", m)


if __name__ == "__main__":
    main()
