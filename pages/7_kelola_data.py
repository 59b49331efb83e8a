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

from dasbor import charts, fmt, i18n, settings
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
    st.subheader(t("1. Unduh templat"))
    st.caption(
        t(
            "Satu lembar per tabel, ditambah lembar 'kamus' yang menjelaskan setiap kolom. CSV juga diterima (koma, titik koma atau tab; UTF-8, juga Windows-1252 dan UTF-16 dari Excel), dengan nama berkas sama dengan nama tabel."
        )
    )
    st.download_button(
        t("Unduh templat XLSX"),
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
        return t("Berkas ini lebih dari {limit} MB.", limit=limit)
    if name.lower().endswith(".xlsx") and not raw.startswith(b"PK\x03\x04"):
        return t(
            "Berkas ini bukan buku kerja Excel .xlsx (mungkin .xls lama atau berkas lain yang diganti namanya). Simpan ulang sebagai 'Excel Workbook (.xlsx)'."
        )
    if name.lower().endswith(".csv"):
        # the loader's own test: a UTF-16 file is full of zero bytes and is text all the same
        why = why_not_text(raw)
        if why:
            return i18n.pick(ctx.lang, *why)
    return None


def failure(ctx: Ctx, exc: LoadError, loading: bool) -> None:
    """A check or load that failed: what it means in our words, its message (which may quote the
    files) as text."""
    st.error(
        ctx.t("Pemuatan gagal; tidak ada yang dimuat dan data lama tetap dipakai.")
        if loading
        else ctx.t("Berkas tidak dapat diperiksa; tidak ada yang dimuat.")
    )
    st.text(str(exc))


def upload_section(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("2. Unggah laporan"))
    limit = int(settings.get("max_upload_mb"))
    last = st.container()  # the previous load's outcome, above the uploader
    files = st.file_uploader(
        t("Berkas CSV atau XLSX (paling besar {limit} MB per berkas)", limit=limit),
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
                t("Dimuat sebagai muatan #{load_id}. Semua halaman kini memakai data baru.", load_id=done.load_id)
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
        st.markdown(t("**Hasil pemeriksaan** (belum dimuat):"))
        report_block(ctx, check)
        total = q.totals(check)
        if not total["loaded"]:
            return
        loaded, new, changed, unchanged, twice = (
            fmt.number(total[k], lang) for k in ("loaded", "new", "changed", "unchanged", "repeated")
        )
        repeated = t(", {twice} ganda di berkas", twice=twice) if total["repeated"] else ""
        if total["unchanged"] == total["loaded"]:
            st.info(
                t(
                    "Semua baris yang lolos sama persis dengan data yang sudah dimuat: memuatnya tidak mengubah apa pun, hanya mencatat muatan di riwayat."
                )
            )
        if not st.button(
            t(
                "Muat {loaded} baris ({new} baru, {changed} berubah, {unchanged} tidak berubah{repeated})",
                loaded=loaded,
                new=new,
                changed=changed,
                unchanged=unchanged,
                repeated=repeated,
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
            "tabel": t("Tabel"),
            "read": t("Dibaca"),
            "loaded": t.tc("pemeriksaan", "Lolos"),
            "rejected": t("Ditolak"),
            "new": t("Baru"),
            "changed": t("Berubah"),
            "unchanged": t("Tidak berubah"),
            "repeated": t("Ganda di berkas"),
            "written": t("Ditulis"),
        }
    )
    st.dataframe(counts, hide_index=True, width="content")
    if report.written:
        note = t(
            "Ditulis: baris yang baru atau berubah, yang ditambahkan atau diganti oleh muatan ini; baris yang tidak berubah dibiarkan."
        )
        if q.derived(report):
            derived = fmt.number(q.derived(report), lang)
            note += " " + t("Juga {derived} tahap diturunkan dari tahap_terkini dan tanggalnya.", derived=derived)
    else:
        note = t(
            "Baru, berubah, tidak berubah: baris yang lolos dibandingkan dengan data yang sudah dimuat, menurut kunci tabelnya (mis. kode_inovasi)."
        )
    st.caption(note)
    for notice in report.notices:  # they quote headers and sheet names from the files
        st.text(notice)
    if not report.rejected:
        st.success(t("Semua baris lolos pemeriksaan."))
        return
    rejected = pd.DataFrame(report.rejected)
    rejected["alasan"] = rejected["reason"] if lang == "id" else rejected["reason_en"]
    rejected["sheet"] = rejected["sheet"].fillna("–")
    shown = rejected[["file", "sheet", "row", "column", "value", "alasan"]].rename(
        columns={
            "file": t("Berkas"),
            "sheet": t("Lembar"),
            "row": t("Baris"),
            "column": t("Kolom"),
            "value": t("Nilai"),
            "alasan": t("Alasan"),
        }
    )
    n = fmt.number(len(rejected), lang)
    st.error(
        t(
            "{n} masalah pada baris yang ditolak dan tidak dimuat. Perbaiki di berkas lalu unggah ulang; memuat ulang berkas yang sama tidak membuat data ganda.",
            n=n,
        )
        if report.written
        else t(
            "{n} masalah pada baris yang akan ditolak. Perbaiki di berkas lalu unggah ulang; memuat ulang berkas yang sama tidak membuat data ganda.",
            n=n,
        )
    )
    reasons_table(ctx, shown)
    charts.download(
        shown,
        "baris_ditolak",
        lang,
        f"rej_{report.written}",
        label=t("Unduh laporan penolakan (CSV)"),
    )


def reasons_table(ctx: Ctx, shown: pd.DataFrame) -> None:
    """The rejected cells, and every distinct reason written out in full beneath them: a grid cell
    cuts a long reason off, and a data officer must be able to read what to fix."""
    reason = ctx.t("Alasan")
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
    with st.expander(ctx.t("Alasan selengkapnya"), expanded=len(counts) <= 3):
        for text, n in counts.items():  # quoted values from the files: plain text, never Markdown
            rows = fmt.number(n, ctx.lang)
            # one row or more: Indonesian says "baris" for both, English does not
            said = ctx.t.tc("satu", "{rows} baris", rows=rows) if n == 1 else ctx.t("{rows} baris", rows=rows)
            st.text(f"{said}: {text}")


def history_section(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("3. Riwayat muatan"))
    history = q.history(ctx)
    if history.empty:
        st.caption(t("Belum ada muatan."))
        return
    view = pd.DataFrame(
        {
            "#": history.id,
            t("Waktu (UTC)"): [fmt.moment(w, lang) for w in history.waktu],
            t("Oleh"): history.pengguna,
            t.tc("jamak", "Berkas"): history.berkas,
            t("Baris dimuat"): history.dimuat,
            t("Baris ditulis"): history.ditulis,
            t("Baris ditolak"): history.ditolak,
        }
    )
    # the file names may be long: the counts beside them stay in view
    files = {t.tc("jamak", "Berkas"): st.column_config.TextColumn(width="large")}
    st.dataframe(view, hide_index=True, width="stretch", column_config=files)
    load_id = st.selectbox(
        t("Lihat baris yang ditolak pada muatan"),
        [int(i) for i in history.id],
        format_func=lambda i: f"#{i}",
    )
    rejected = q.rejected(ctx, load_id)
    if rejected.empty:
        st.caption(t("Tidak ada baris yang ditolak pada muatan ini."))
        return
    shown = pd.DataFrame(
        {
            t("Berkas"): rejected.berkas,
            t("Lembar"): rejected.lembar.fillna("–"),
            t("Baris"): rejected.baris,
            t("Kolom"): rejected.kolom,
            t("Nilai"): rejected.nilai,
            t("Alasan"): rejected.alasan if lang == "id" else rejected.alasan_en,
        }
    )
    reasons_table(ctx, shown)
    charts.download(  # the headers as shown, not raw names
        shown,
        f"ditolak_muatan_{load_id}",
        lang,
        "hist",
        label=t("Unduh baris yang ditolak muatan #{load_id} (CSV)", load_id=load_id),
    )


main()
