"""Kelola Data: template, upload with a validation report before and after loading, history, rejections.

The page only lays out: its queries are in ``dasbor.queries.kelola``. Anything that comes from an
uploaded file (file names, column headers, cell values, messages quoting them) is shown as plain
text (``st.text`` or a table cell), never as Markdown, so a header such as ``![p](http://host/x.png)``
stays text and loads nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dasbor import charts, fmt, settings
from dasbor.frame import Ctx, page
from dasbor.queries import kelola as q
from etl.load import LoadError, Report, run
from etl.read import why_not_text
from etl.template import write_template


def main() -> None:
    ctx = page("kelola", with_filters=False)
    template_section(ctx)
    upload_section(ctx)
    history_section(ctx)


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_template(Path(tmp) / "templat.xlsx").read_bytes()


def template_section(ctx: Ctx) -> None:
    t = ctx.t
    st.subheader(t("1. Unduh templat", "1. Download the template"))
    st.caption(
        t(
            "Satu lembar per tabel, ditambah lembar 'kamus' yang menjelaskan setiap kolom. CSV juga diterima (koma, "
            "titik koma atau tab; UTF-8, juga Windows-1252 dan UTF-16 dari Excel), dengan nama berkas sama dengan nama tabel.",
            "One sheet per table, plus a 'kamus' sheet explaining every column. CSV is accepted too (comma, "
            "semicolon or tab; UTF-8, also Windows-1252 and UTF-16 from Excel), named after the table.",
        )
    )
    st.download_button(
        t("Unduh templat XLSX", "Download XLSX template"),
        template_bytes(),
        "templat_inovasi_daerah.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_template",
    )


def problem(ctx: Ctx, name: str, raw: bytes) -> str | None:
    """Why a file is not what its name claims, in words a data officer can act on (the name itself
    is shown beside it, as text)."""
    t, limit = ctx.t, int(settings.get("max_upload_mb"))
    if len(raw) > settings.max_upload_bytes():
        return t(f"Berkas ini lebih dari {limit} MB.", f"This file is larger than {limit} MB.")
    if name.lower().endswith(".xlsx") and not raw.startswith(b"PK\x03\x04"):
        return t(
            "Berkas ini bukan buku kerja Excel .xlsx (mungkin .xls lama atau berkas lain yang diganti namanya). "
            "Simpan ulang sebagai 'Excel Workbook (.xlsx)'.",
            "This file is not an Excel .xlsx workbook (perhaps an old .xls or a renamed file). Save it again as .xlsx.",
        )
    if name.lower().endswith(".csv"):
        # the loader's own test: a UTF-16 file is full of zero bytes and is text all the same
        why = why_not_text(raw)
        if why:
            return t(*why)
    return None


def failure(ctx: Ctx, exc: LoadError, loading: bool) -> None:
    """A check or load that failed: what it means in our words, its message (which may quote the
    files) as text."""
    st.error(
        ctx.t(
            "Pemuatan gagal; tidak ada yang dimuat dan data lama tetap dipakai."
            if loading
            else "Berkas tidak dapat diperiksa; tidak ada yang dimuat.",
            "The load failed; nothing was loaded and the old data stays in use."
            if loading
            else "The files could not be checked; nothing was loaded.",
        )
    )
    st.text(str(exc))


def upload_section(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("2. Unggah laporan", "2. Upload the report"))
    limit = int(settings.get("max_upload_mb"))
    done = st.session_state.pop("kelola_dimuat", None)
    if done is not None:  # the load of the previous run, shown after a fresh run of the whole page
        st.success(
            t(
                f"Dimuat sebagai muatan #{done.load_id}. Semua halaman kini memakai data baru.",
                f"Loaded as load #{done.load_id}. Every page now uses the new data.",
            )
        )
        report_block(ctx, done)
    files = st.file_uploader(
        t(f"Berkas CSV atau XLSX (paling besar {limit} MB per berkas)", f"CSV or XLSX files (at most {limit} MB each)"),
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        # a new key after each load empties the uploader, so the loaded files are not offered again
        key=f"unggah_{st.session_state.get('kelola_muatan', 0)}",
    )
    if not files:
        return
    problems = [(f.name, p) for f in files if (p := problem(ctx, f.name, f.getvalue()))]
    for name, why in problems:
        with st.container(border=True):
            st.text(name)
            st.error(why)
    if problems:
        return
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
        except LoadError as exc:
            failure(ctx, exc, loading=False)
            return
        st.markdown(t("**Hasil pemeriksaan** (belum dimuat):", "**Check result** (not loaded yet):"))
        report_block(ctx, check)
        loadable = sum(v["loaded"] for v in check.tables.values())
        if not loadable or not st.button(
            t(
                f"Muat {fmt.number(loadable, lang)} baris yang lolos",
                f"Load the {fmt.number(loadable, lang)} valid rows",
            ),
            type="primary",
        ):
            return
        try:
            done = run(paths, write=True, names=names, user=ctx.viewer.name)
        except LoadError as exc:
            failure(ctx, exc, loading=True)
            return
    # Run the page again from the top: the freshness line, the banner and the history then show the
    # new load, and the check of the files just loaded ('not loaded yet') is gone.
    st.session_state["kelola_dimuat"] = done
    st.session_state["kelola_muatan"] = st.session_state.get("kelola_muatan", 0) + 1
    st.rerun()


def report_block(ctx: Ctx, report: Report) -> None:
    """Rows read, valid and rejected per table, the notices, and every rejected cell."""
    t, lang = ctx.t, ctx.lang
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
    for notice in report.notices:  # they quote headers and sheet names from the files
        st.text(notice)
    if not report.rejected:
        st.success(t("Semua baris lolos pemeriksaan.", "Every row passed the checks."))
        return
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
            f"{fmt.number(len(rejected), lang)} masalah pada baris yang akan ditolak. Perbaiki di berkas lalu "
            "unggah ulang; memuat ulang berkas yang sama tidak membuat data ganda.",
            f"{fmt.number(len(rejected), lang)} problems in rows that will be rejected. Fix them in the file and "
            "upload again; loading the same file again creates no duplicates.",
        )
    )
    reasons_table(ctx, shown)
    charts.download(
        shown,
        "baris_ditolak",
        lang,
        f"rej_{report.written}",
        label=t("Unduh laporan penolakan (CSV)", "Download rejection report (CSV)"),
    )


def reasons_table(ctx: Ctx, shown: pd.DataFrame) -> None:
    """The rejected cells, and every distinct reason written out in full beneath them: a grid cell
    cuts a long reason off, and a data officer must be able to read what to fix."""
    reason = ctx.t("Alasan", "Reason")
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config={reason: st.column_config.TextColumn(width="large")}
    )
    counts = shown[reason].value_counts(sort=True)
    with st.expander(ctx.t("Alasan selengkapnya", "Reasons in full"), expanded=len(counts) <= 3):
        for text, n in counts.items():  # quoted values from the files: plain text, never Markdown
            st.text(f"{ctx.t(f'{fmt.number(n, ctx.lang)} baris', f'{fmt.number(n, ctx.lang)} rows')}: {text}")


def history_section(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("3. Riwayat muatan", "3. Load history"))
    history = q.history(ctx)
    if history.empty:
        st.caption(t("Belum ada muatan.", "No loads yet."))
        return
    view = pd.DataFrame(
        {
            "#": history.id,
            t("Waktu (UTC)", "Time (UTC)"): [f"{w:%Y-%m-%d %H:%M}" for w in history.waktu],
            t("Oleh", "By"): history.pengguna,
            t("Berkas", "Files"): history.berkas,
            t("Baris dimuat", "Rows loaded"): history.dimuat,
            t("Baris ditolak", "Rows rejected"): history.ditolak,
        }
    )
    st.dataframe(view, hide_index=True, width="stretch")
    load_id = st.selectbox(
        t("Lihat baris yang ditolak pada muatan", "See the rows rejected in load"),
        [int(i) for i in history.id],
        format_func=lambda i: f"#{i}",
    )
    rejected = q.rejected(ctx, load_id)
    if rejected.empty:
        st.caption(t("Tidak ada baris yang ditolak pada muatan ini.", "No rows were rejected in this load."))
        return
    shown = rejected.drop(columns="alasan_en" if lang == "id" else "alasan").rename(
        columns={
            "berkas": t("Berkas", "File"),
            "lembar": t("Lembar", "Sheet"),
            "baris": t("Baris", "Row"),
            "kolom": t("Kolom", "Column"),
            "nilai": t("Nilai", "Value"),
            "alasan": "Alasan",
            "alasan_en": "Reason",
        }
    )
    reasons_table(ctx, shown)
    charts.download(shown, f"ditolak_muatan_{load_id}", lang, "hist")  # the headers as shown, not raw names


main()
