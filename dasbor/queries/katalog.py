"""Katalog: every innovation in view, searchable, and one innovation's full record, with each value
made ready for the reader (the page only lays them out)."""

from __future__ import annotations

import pandas as pd

from dasbor import charts, data, domain, fmt, i18n
from dasbor.filters import text_search
from dasbor.frame import Ctx
from dasbor.i18n import N_, label

OPEN_STAGES = domain.OPEN  # days in the stage mean something only where it can still move on
LIMIT = 1000


def catalogue(ctx: Ctx, search: str = "", limit: int = LIMIT) -> tuple[pd.DataFrame, int]:
    """Matching innovations (newest proposals first, at most ``limit``) and how many match in all."""
    where, params = ctx.where()
    found, found_params = text_search(search, ("i.nama_inovasi", "i.perangkat_daerah", "i.kode_inovasi"))
    where, params = where + found, [*params, *found_params]
    marks = ", ".join("?" * len(OPEN_STAGES))
    # Pick the page from inovasi_status first and fetch names for those rows only; the total is a
    # count, not a window over every match (which would join a million names before the limit).
    by_name = "join inovasi i using (kode_inovasi)" if found else ""
    hits = f"select s.* from inovasi_status s {by_name} where {where}"
    frame = data.read(
        f"""
        with page as ({hits} order by s.tanggal_usulan desc, s.kode_inovasi limit ?)
        select s.kode_inovasi, i.nama_inovasi, w.nama as wilayah, s.perangkat_daerah, s.tahap,
            s.tanggal_usulan, s.tanggal_tahap,
            case when s.tahap in ({marks}) then current_date - s.tanggal_tahap end as hari_di_tahap,
            (select count(*) from ({hits})) as total
        from page s
        join inovasi i using (kode_inovasi)
        join wilayah w on w.kode = s.kode_wilayah
        order by s.tanggal_usulan desc, s.kode_inovasi
        """,
        [*params, limit, *OPEN_STAGES, *params],
    )
    total = int(frame.total.iloc[0]) if not frame.empty else 0
    return frame.drop(columns="total"), total


def record(ctx: Ctx, kode: str) -> dict[str, pd.DataFrame] | None:
    """One innovation with its stages, evaluations, awards and replications, or None if out of scope."""
    where, params = ctx.viewer_scope()
    main = data.read(
        f"""
        select i.*, w.nama as wilayah, w.tingkat, w.nama_provinsi, s.tahap, s.tanggal_tahap, s.status_lanjut,
            s.tanggal_penerapan as diterapkan, u.nama as nama_urusan
        from inovasi i
        join inovasi_status s using (kode_inovasi)
        join wilayah w on w.kode = i.kode_wilayah
        left join urusan u on u.kode = i.urusan
        where i.kode_inovasi = ? and {where}
        """,
        [kode, *params],
    )
    if main.empty:
        return None
    out = {"inovasi": main}
    out["tahapan"] = data.read(
        """
        select t.tahap, t.tanggal, t.nomor_dokumen, t.turunan
        from tahapan t join tahap_ref r using (tahap)
        where t.kode_inovasi = ? order by t.tanggal, r.urutan
        """,
        [kode],
    )
    out["evaluasi"] = data.read(
        """
        select tanggal_evaluasi, penilai, hasil, penerima_manfaat, waktu_layanan_sebelum, waktu_layanan_sesudah,
            satuan_waktu, biaya_sebelum, biaya_sesudah, ikm_sebelum, ikm_sesudah, responden, status_lanjut
        from evaluasi where kode_inovasi = ? order by tanggal_evaluasi
        """,
        [kode],
    )
    out["penghargaan"] = data.read(
        "select tahun, ajang, capaian, kategori from penghargaan where kode_inovasi = ? order by tahun, ajang", [kode]
    )
    # Replications may cross regions; only those the viewer may see are listed.
    out["replikasi"] = data.read(
        f"""
        select 'meniru' as arah, i.kode_inovasi, i.nama_inovasi, w.nama as wilayah
        from inovasi i join wilayah w on w.kode = i.kode_wilayah join inovasi_status s using (kode_inovasi)
        where i.kode_inovasi = (select replikasi_dari from inovasi where kode_inovasi = ?) and {where}
        union all
        select 'ditiru', i.kode_inovasi, i.nama_inovasi, w.nama
        from inovasi i join wilayah w on w.kode = i.kode_wilayah join inovasi_status s using (kode_inovasi)
        where i.replikasi_dari = ? and {where}
        order by 1, 2
        """,
        [kode, *params, kode, *params],
    )
    return out


# What the page shows: every value as the reader reads it. A missing value is "–" (or a sentence
# saying why it is missing), a code is its label (dasbor/i18n.label), numbers and amounts go through
# dasbor/fmt.py and every date is fmt.date's one format, so nothing reaches the reader as nan, None,
# NaT or a raw code. Tables hold text cells, which nothing renders as Markdown.

NONE = "–"
YES_NO = {True: N_("Ya"), False: N_("Tidak")}
# Competitions are proper names (IGA, KIPP, UNPSA, Inagara) but for "lainnya", which dasbor/i18n.py
# has no label for yet; its labels win once it has an "ajang" domain.
AJANG_OTHER = {"lainnya": ("Lainnya", "Other")}


def _t(lang: str) -> i18n.Translator:
    return i18n.translator(lang)


def missing(value) -> bool:
    """NULL as pandas hands it over: None, NaN, NaT or pd.NA."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a container is a value
        return False


def text(value) -> str:
    """Report text as it was written, or "–"."""
    return NONE if missing(value) or not str(value).strip() else str(value)


def coded(domain_name: str, value, lang: str) -> str:
    """The label of a coded value, or "–"."""
    if missing(value):
        return NONE
    return label(domain_name, value, lang)


def year(value) -> str:
    """A year as a year: 2026, never 2.026."""
    return NONE if missing(value) else str(int(value))


def iso(value) -> str | None:
    """A date for a CSV: ISO, which every spreadsheet reads as a date."""
    return None if missing(value) else pd.Timestamp(value).date().isoformat()


def region(nama, tingkat, nama_provinsi, lang: str) -> str:
    """Where an innovation is, in the record's heading: a kabupaten or kota with its province, a
    province's own innovation as the province (not "Gorontalo, Gorontalo"). Lists keep the bare
    name, which is unambiguous: only provinces are named without Kabupaten/Kota."""
    if missing(nama):
        return NONE
    if tingkat == "provinsi":
        return i18n.tr(lang, "Provinsi {nama}", nama=nama)
    return str(nama) if missing(nama_provinsi) else f"{nama}, {nama_provinsi}"


def before_after(before, after, show, unit: str = "") -> str:
    """``before → after`` (each side through ``show``, "–" for a side not reported) and the unit,
    or one "–" when neither side was reported."""
    if missing(before) and missing(after):
        return NONE
    return f"{show(before)} → {show(after)}" + (f" {unit}" if unit and unit != NONE else "")


LIST_COLUMNS = {
    "kode_inovasi": N_("Kode"),
    "nama_inovasi": N_("Inovasi"),
    "wilayah": N_("Wilayah"),
    "perangkat_daerah": N_("Perangkat daerah"),
    "tahap": N_("Tahap terkini"),
    "tanggal_usulan": N_("Diusulkan"),
    "tanggal_tahap": N_("Masuk tahap"),
    "hari_di_tahap": N_("Hari di tahap"),
}


def _headed(frame: pd.DataFrame, columns: dict[str, str], lang: str) -> pd.DataFrame:
    t = _t(lang)
    return frame[list(columns)].rename(columns={k: t(v) for k, v in columns.items()})


def list_tables(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the table shown, the table downloaded) of ``catalogue`` rows. The download keeps ISO dates
    and whole numbers, which a spreadsheet reads as dates and numbers."""
    regions = [text(v) for v in rows.wilayah]
    stages = [coded("tahap", s, lang) for s in rows.tahap]
    shown = rows.assign(
        kode_inovasi=[text(v) for v in rows.kode_inovasi],
        nama_inovasi=[text(v) for v in rows.nama_inovasi],
        wilayah=regions,
        perangkat_daerah=[text(v) for v in rows.perangkat_daerah],
        tahap=stages,
        tanggal_usulan=[fmt.date(d, lang) for d in rows.tanggal_usulan],
        tanggal_tahap=[fmt.date(d, lang) for d in rows.tanggal_tahap],
        hari_di_tahap=[fmt.number(v, lang) for v in rows.hari_di_tahap],
    )
    download = rows.assign(
        wilayah=regions,
        tahap=stages,
        tanggal_usulan=[iso(d) for d in rows.tanggal_usulan],
        tanggal_tahap=[iso(d) for d in rows.tanggal_tahap],
        hari_di_tahap=pd.array([None if missing(v) else int(v) for v in rows.hari_di_tahap], dtype="Int64"),
    )
    return _headed(shown, LIST_COLUMNS, lang), _headed(download, LIST_COLUMNS, lang)


def list_caption(total: int, shown: int, lang: str) -> str:
    n, k = fmt.number(total, lang), fmt.number(shown, lang)
    t = _t(lang)
    return (
        t("{n} inovasi cocok", n=n)
        + (t("; {k} terbaru ditampilkan", k=k) if total > shown else "")
        + t(
            ". Hari di tahap = hari sejak masuk tahap terkini (untuk tahap yang belum selesai). Pilih satu baris untuk melihat rinciannya."
        )
    )


def identity(i: pd.Series, lang: str) -> str:
    """Where the innovation is and who runs it, as Markdown (report text made inert by fmt.md)."""
    where = region(i.wilayah, i.tingkat, i.nama_provinsi, lang)
    return f"{fmt.md(where)} · {fmt.md(text(i.perangkat_daerah))}"


def continuation(i: pd.Series, lang: str) -> str:
    """What became of it after implementation: reported only once it was implemented."""
    t = _t(lang)
    if not missing(i.status_lanjut):
        return coded("status_lanjut", i.status_lanjut, lang)
    if missing(i.diterapkan):
        return t("Belum diterapkan")
    return t("Belum dilaporkan")


def facts(i: pd.Series, lang: str) -> dict[str, str]:
    """The record's headline facts as plain text, name → value."""
    t = _t(lang)
    stage = coded("tahap", i.tahap, lang)
    if not missing(i.tanggal_tahap):
        since = t("sejak")
        stage += f" {since} {fmt.date(i.tanggal_tahap, lang)}"
    urusan = NONE if missing(i.urusan) else " ".join(str(v) for v in (i.urusan, i.nama_urusan) if not missing(v))
    return {
        t("Tahap terkini"): stage,
        t("Sumber"): coded("inisiator", i.inisiator, lang),
        t("Bentuk"): coded("bentuk", i.bentuk, lang),
        t("Jenis"): coded("jenis", i.jenis, lang),
        t("Urusan"): urusan,
        t("Diusulkan"): fmt.date(i.tanggal_usulan, lang),
        t("Anggaran"): fmt.rupiah(i.anggaran, lang),
        t("Setelah penerapan"): continuation(i, lang),
    }


def description(i: pd.Series) -> str | None:
    """The report's description, or None when it gave none."""
    return None if missing(i.deskripsi) or not str(i.deskripsi).strip() else str(i.deskripsi)


def stage_order(lang: str) -> list[str]:
    """Stage labels in the order of the flow (an exit where it branches off), for the timeline's axis."""
    return [label("tahap", s.code, lang) for s in sorted(domain.STAGES, key=lambda s: s.order)]


def timeline_points(stages: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One point per stage entry: its label, date, the date as text, and how it is drawn (a cross for
    an exit, an open circle for a stage derived from the report's current-stage columns)."""
    exits = set(domain.EXITS)
    derived = [not missing(d) and bool(d) for d in stages.turunan]
    return pd.DataFrame(
        {
            "label": [coded("tahap", s, lang) for s in stages.tahap],
            "tanggal": stages.tanggal,
            "teks": [fmt.date(d, lang) for d in stages.tanggal],
            "warna": [charts.OKABE_ITO[5] if s in exits else charts.OKABE_ITO[0] for s in stages.tahap],
            "simbol": [
                "x" if s in exits else ("circle-open" if d else "circle")
                for s, d in zip(stages.tahap, derived, strict=True)
            ],
        }
    )


def stage_table(stages: pd.DataFrame, lang: str) -> pd.DataFrame:
    t = _t(lang)
    return pd.DataFrame(
        {
            t("Tahap"): [coded("tahap", s, lang) for s in stages.tahap],
            t("Tanggal"): [fmt.date(d, lang) for d in stages.tanggal],
            t("Nomor dokumen"): [text(v) for v in stages.nomor_dokumen],
            t("Diturunkan dari tahap terkini"): [NONE if missing(v) else t(YES_NO[bool(v)]) for v in stages.turunan],
        }
    )


def evaluation_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    t = _t(lang)
    return pd.DataFrame(
        {
            t("Tanggal"): [fmt.date(d, lang) for d in frame.tanggal_evaluasi],
            t("Penilai"): [text(v) for v in frame.penilai],
            t("Hasil"): [coded("hasil", v, lang) for v in frame.hasil],
            t("Penerima manfaat"): [fmt.number(v, lang) for v in frame.penerima_manfaat],
            t("Waktu layanan sebelum → sesudah"): [
                before_after(b, a, lambda v: fmt.number(v, lang, 1), coded("satuan_waktu", u, lang))
                for b, a, u in zip(
                    frame.waktu_layanan_sebelum, frame.waktu_layanan_sesudah, frame.satuan_waktu, strict=True
                )
            ],
            t("Biaya sebelum → sesudah"): [
                before_after(b, a, lambda v: fmt.rupiah(v, lang))
                for b, a in zip(frame.biaya_sebelum, frame.biaya_sesudah, strict=True)
            ],
            t("IKM sebelum → sesudah"): [
                before_after(b, a, lambda v: fmt.number(v, lang, 1))
                for b, a in zip(frame.ikm_sebelum, frame.ikm_sesudah, strict=True)
            ],
            t("Responden"): [fmt.number(v, lang) for v in frame.responden],
            t("Status"): [coded("status_lanjut", v, lang) for v in frame.status_lanjut],
        }
    )


def award_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    t = _t(lang)
    return pd.DataFrame(
        {
            t("Tahun"): [year(v) for v in frame.tahun],
            t("Ajang"): [coded("ajang", v, lang) for v in frame.ajang],
            t("Capaian"): [text(v) for v in frame.capaian],
            t("Kategori"): [text(v) for v in frame.kategori],
        }
    )


def replication_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    t = _t(lang)
    return pd.DataFrame(
        {
            t("Hubungan"): [
                t.tc("katalog", "Meniru") if a == "meniru" else t.tc("katalog", "Ditiru oleh") for a in frame.arah
            ],
            t("Kode"): [text(v) for v in frame.kode_inovasi],
            t("Inovasi"): [text(v) for v in frame.nama_inovasi],
            t("Wilayah"): [text(v) for v in frame.wilayah],
        }
    )
