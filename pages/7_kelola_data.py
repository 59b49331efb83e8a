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
    last = st.container()  # the previous load's outcome, above the uploader
    files = st.file_uploader(
        t(f"Berkas CSV atau XLSX (paling besar {limit} MB per berkas)", f"CSV or XLSX files (at most {limit} MB each)"),
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        # a new key after each load empties the uploader, so the loaded files are not offered again
        key=f"unggah_{st.session_state.get('kelola_muatan', 0)}",
    )
    if files:  # a new upload: its check replaces the previous load's report
        st.session_state.pop("kelola_dimuat", None)
    elif (done := st.session_state.get("kelola_dimuat")) is not None:
        # Shown after the fresh run of the whole page that followed the load, and kept through the
        # reruns a download or a choice in the history makes, until the next upload.
        with last:
            st.success(
                t(
                    f"Dimuat sebagai muatan #{done.load_id}. Semua halaman kini memakai data baru.",
                    f"Loaded as load #{done.load_id}. Every page now uses the new data.",
                )
            )
            report_block(ctx, done)
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
        total = q.totals(check)
        if not total["loaded"]:
            return
        loaded, new, changed, unchanged, twice = (
            fmt.number(total[k], lang) for k in ("loaded", "new", "changed", "unchanged", "repeated")
        )
        repeated = t(f", {twice} ganda di berkas", f", {twice} repeated in the files") if total["repeated"] else ""
        if total["unchanged"] == total["loaded"]:
            st.info(
                t(
                    "Semua baris yang lolos sama persis dengan data yang sudah dimuat: memuatnya tidak mengubah apa "
                    "pun, hanya mencatat muatan di riwayat.",
                    "Every valid row is exactly as already loaded: loading them changes nothing, it only records "
                    "a load in the history.",
                )
            )
        if not st.button(
            t(
                f"Muat {loaded} baris ({new} baru, {changed} berubah, {unchanged} tidak berubah{repeated})",
                f"Load {loaded} rows ({new} new, {changed} changed, {unchanged} unchanged{repeated})",
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
    counts = q.counts(report).rename(
        columns={
            "tabel": t("Tabel", "Table"),
            "read": t("Dibaca", "Read"),
            "loaded": t("Lolos", "Valid"),
            "rejected": t("Ditolak", "Rejected"),
            "new": t("Baru", "New"),
            "changed": t("Berubah", "Changed"),
            "unchanged": t("Tidak berubah", "Unchanged"),
            "repeated": t("Ganda di berkas", "Repeated in the files"),
            "written": t("Ditulis", "Written"),
        }
    )
    st.dataframe(counts, hide_index=True, width="content")
    if report.written:
        note = t(
            "Ditulis: baris yang baru atau berubah, yang ditambahkan atau diganti oleh muatan ini; baris yang tidak "
            "berubah dibiarkan.",
            "Written: the new or changed rows this load added or replaced; unchanged rows were left alone.",
        )
        if q.derived(report):
            derived = fmt.number(q.derived(report), lang)
            note += " " + t(
                f"Juga {derived} tahap diturunkan dari tahap_terkini dan tanggalnya.",
                f"Also {derived} stages derived from tahap_terkini and its dates.",
            )
    else:
        note = t(
            "Baru, berubah, tidak berubah: baris yang lolos dibandingkan dengan data yang sudah dimuat, menurut kunci "
            "tabelnya (mis. kode_inovasi).",
            "New, changed, unchanged: the valid rows compared with the data already loaded, by each table's key "
            "(e.g. kode_inovasi).",
        )
    st.caption(note)
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
    n = fmt.number(len(rejected), lang)
    st.error(
        t(
            f"{n} masalah pada baris yang ditolak dan tidak dimuat. Perbaiki di berkas lalu unggah ulang; memuat "
            "ulang berkas yang sama tidak membuat data ganda.",
            f"{n} problems in rows that were rejected and not loaded. Fix them in the file and upload again; "
            "loading the same file again creates no duplicates.",
        )
        if report.written
        else t(
            f"{n} masalah pada baris yang akan ditolak. Perbaiki di berkas lalu unggah ulang; memuat ulang berkas "
            "yang sama tidak membuat data ganda.",
            f"{n} problems in rows that will be rejected. Fix them in the file and upload again; loading the same "
            "file again creates no duplicates.",
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
    # A row taller than Streamlit's default lets a grid cell wrap its text (over 4rem), as many lines
    # as the longest reason needs, five at most; a click on a cell shows it whole too.
    longest = int(shown[reason].fillna("").str.len().max() or 0)
    lines = min(5, -(-longest // 60))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        row_height=24 + 21 * lines if lines > 1 else None,
        column_config={reason: st.column_config.TextColumn(width="large")},
    )
    counts = shown[reason].value_counts(sort=True)
    with st.expander(ctx.t("Alasan selengkapnya", "Reasons in full"), expanded=len(counts) <= 3):
        for text, n in counts.items():  # quoted values from the files: plain text, never Markdown
            rows = fmt.number(n, ctx.lang)
            said = ctx.t(f"{rows} baris", f"{rows} row") if n == 1 else ctx.t(f"{rows} baris", f"{rows} rows")
            st.text(f"{said}: {text}")


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
            t("Waktu (UTC)", "Time (UTC)"): [fmt.moment(w, lang) for w in history.waktu],
            t("Oleh", "By"): history.pengguna,
            t("Berkas", "Files"): history.berkas,
            t("Baris dimuat", "Rows loaded"): history.dimuat,
            t("Baris ditulis", "Rows written"): history.ditulis,
            t("Baris ditolak", "Rows rejected"): history.ditolak,
        }
    )
    # the file names may be long: the counts beside them stay in view
    files = {t("Berkas", "Files"): st.column_config.TextColumn(width="large")}
    st.dataframe(view, hide_index=True, width="stretch", column_config=files)
    load_id = st.selectbox(
        t("Lihat baris yang ditolak pada muatan", "See the rows rejected in load"),
        [int(i) for i in history.id],
        format_func=lambda i: f"#{i}",
    )
    rejected = q.rejected(ctx, load_id)
    if rejected.empty:
        st.caption(t("Tidak ada baris yang ditolak pada muatan ini.", "No rows were rejected in this load."))
        return
    shown = pd.DataFrame(
        {
            t("Berkas", "File"): rejected.berkas,
            t("Lembar", "Sheet"): rejected.lembar.fillna("–"),
            t("Baris", "Row"): rejected.baris,
            t("Kolom", "Column"): rejected.kolom,
            t("Nilai", "Value"): rejected.nilai,
            t("Alasan", "Reason"): rejected.alasan if lang == "id" else rejected.alasan_en,
        }
    )
    reasons_table(ctx, shown)
    charts.download(  # the headers as shown, not raw names
        shown,
        f"ditolak_muatan_{load_id}",
        lang,
        "hist",
        label=t(
            f"Unduh baris yang ditolak muatan #{load_id} (CSV)", f"Download the rows load #{load_id} rejected (CSV)"
        ),
    )


main()
