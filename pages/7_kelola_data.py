"""Kelola Data: template, upload with a validation report before and after loading, history, rejections."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dasbor import charts, data, fmt, settings
from dasbor.frame import page
from etl.load import LoadError, run
from etl.read import ReadError
from etl.template import write_template

ctx = page("kelola", filters=False)
t, lang = ctx.t, ctx.lang


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_template(Path(tmp) / "templat.xlsx").read_bytes()


st.subheader(t("1. Unduh templat", "1. Download the template"))
st.caption(
    t(
        "Satu lembar per tabel, ditambah lembar 'kamus' yang menjelaskan setiap kolom. CSV juga diterima (koma atau "
        "titik koma, UTF-8), dengan nama berkas sama dengan nama tabel.",
        "One sheet per table, plus a 'kamus' sheet explaining every column. CSV is accepted too (comma or semicolon, "
        "UTF-8), named after the table.",
    )
)
st.download_button(
    t("Unduh templat XLSX", "Download XLSX template"),
    template_bytes(),
    "templat_inovasi_daerah.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="dl_template",
)

st.subheader(t("2. Unggah laporan", "2. Upload the report"))
limit = int(settings.get("max_upload_mb"))
files = st.file_uploader(
    t(f"Berkas CSV atau XLSX (paling besar {limit} MB per berkas)", f"CSV or XLSX files (at most {limit} MB each)"),
    type=["csv", "xlsx"],
    accept_multiple_files=True,
    key="unggah",
)


def _problem(name: str, raw: bytes) -> str | None:
    """Files that are not what their name claims, said in words a data officer can act on."""
    if len(raw) > settings.max_upload_bytes():
        return t(f"{name}: lebih dari {limit} MB.", f"{name}: larger than {limit} MB.")
    if name.lower().endswith(".xlsx") and not raw.startswith(b"PK\x03\x04"):
        return t(
            f"{name}: bukan buku kerja Excel .xlsx (mungkin .xls lama atau berkas lain yang diganti namanya). "
            "Simpan ulang sebagai 'Excel Workbook (.xlsx)'.",
            f"{name}: not an Excel .xlsx workbook (perhaps an old .xls or a renamed file). Save it again as .xlsx.",
        )
    if name.lower().endswith(".csv") and b"\x00" in raw[:4096]:
        return t(f"{name}: berisi data biner, bukan teks CSV.", f"{name}: holds binary data, not CSV text.")
    return None


def _report(report) -> None:
    counts = pd.DataFrame(
        [
            {
                t("Tabel", "Table"): k,
                t("Dibaca", "Read"): v["read"],
                t("Lolos", "Valid"): v["loaded"],
                t("Ditolak", "Rejected"): v["rejected"],
            }
            for k, v in report.tables.items()
        ]
    )
    st.dataframe(counts, hide_index=True, width="content")
    for notice in report.notices:
        st.caption(notice)
    if report.rejected:
        rejected = pd.DataFrame(report.rejected)
        rejected["alasan"] = rejected["reason"] if lang == "id" else rejected["reason_en"]
        rejected["sheet"] = rejected["sheet"].fillna("–")
        shown = rejected[["file", "sheet", "row", "column", "value", "alasan"]].rename(
            columns={
                "file": t("Berkas", "File"),
                "sheet": t("Lembar", "Sheet"),
                "row": t("Baris", "Row"),
                "column": t("Kolom", "Column"),
                "value": t("Nilai", "Value"),
                "alasan": t("Alasan", "Reason"),
            }
        )
        st.error(
            t(
                f"{fmt.number(len(rejected), lang)} masalah pada baris yang akan ditolak. Perbaiki di berkas lalu unggah "
                "ulang; memuat ulang berkas yang sama tidak membuat data ganda.",
                f"{len(rejected)} problems in rows that will be rejected. Fix them in the file and upload again; "
                "loading the same file again creates no duplicates.",
            )
        )
        st.dataframe(shown, hide_index=True, width="stretch")
        charts.download(
            shown,
            "baris_ditolak",
            lang,
            f"rej_{report.written}",
            label=t("Unduh laporan penolakan (CSV)", "Download rejection report (CSV)"),
        )
    else:
        st.success(t("Semua baris lolos pemeriksaan.", "Every row passed the checks."))


if files:
    problems = [p for f in files if (p := _problem(f.name, f.getvalue()))]
    if problems:
        for p in problems:
            st.error(p)
        st.stop()
    with tempfile.TemporaryDirectory() as tmp:
        paths, names = [], {}
        for i, f in enumerate(files):
            # Each file in its own folder: two uploads may share a name (inovasi.csv from two regions).
            path = Path(tmp) / str(i) / Path(f.name).name
            path.parent.mkdir()
            path.write_bytes(f.getvalue())
            paths.append(path)
            names[str(path)] = f.name
        try:
            check = run(paths, write=False, names=names)
        except (ReadError, LoadError) as exc:
            st.error(str(exc))
            st.stop()
        st.markdown(t("**Hasil pemeriksaan** (belum dimuat):", "**Check result** (not loaded yet):"))
        _report(check)
        loadable = sum(v["loaded"] for v in check.tables.values())
        if loadable and st.button(
            t(f"Muat {fmt.number(loadable, lang)} baris yang lolos", f"Load the {loadable} valid rows"), type="primary"
        ):
            try:
                done = run(paths, write=True, names=names, user=ctx.viewer.name)
            except (ReadError, LoadError) as exc:
                st.error(str(exc))
                st.stop()
            st.success(
                t(
                    f"Dimuat sebagai muatan #{done.load_id}. Semua halaman kini memakai data baru.",
                    f"Loaded as load #{done.load_id}. Every page now uses the new data.",
                )
            )
            _report(done)

st.subheader(t("3. Riwayat muatan", "3. Load history"))
history = data.read("select id, waktu, pengguna, berkas, tabel, ditolak from muatan order by id desc")
if history.empty:
    st.caption(t("Belum ada muatan.", "No loads yet."))
    st.stop()
history_view = pd.DataFrame(
    {
        "#": history.id,
        t("Waktu (UTC)", "Time (UTC)"): [f"{w:%Y-%m-%d %H:%M}" for w in history.waktu],
        t("Oleh", "By"): history.pengguna,
        t("Berkas", "Files"): [", ".join(f["name"] for f in json.loads(b)) for b in history.berkas],
        t("Baris dimuat", "Rows loaded"): [sum(v["loaded"] for v in json.loads(x).values()) for x in history.tabel],
        t("Baris ditolak", "Rows rejected"): history.ditolak,
    }
)
st.dataframe(history_view, hide_index=True, width="stretch")
load_id = st.selectbox(t("Lihat baris yang ditolak pada muatan", "See the rows rejected in load"), list(history.id))
rejected = data.read(
    "select berkas, lembar, baris, kolom, nilai, alasan, alasan_en from baris_ditolak where muatan_id = ? "
    "order by berkas, lembar, baris",
    [int(load_id)],
)
if rejected.empty:
    st.caption(t("Tidak ada baris yang ditolak pada muatan ini.", "No rows were rejected in this load."))
else:
    st.dataframe(rejected.drop(columns="alasan_en" if lang == "id" else "alasan"), hide_index=True, width="stretch")
    charts.download(rejected, f"ditolak_muatan_{load_id}", lang, "hist")
