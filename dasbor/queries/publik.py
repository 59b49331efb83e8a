"""Transparansi: the public view. Rows come only from inovasi_publik; everything else only as counts.

Every figure of the page is declared here once (``FIGURES``, ``MIXES``: ``dasbor.figures.define``),
with the name and definition the page shows for it, and computed here, so that a card, the list, the
charts and the CSV cannot count different sets: the public ones all read ``inovasi_publik`` under one
condition (``_where``: the filters and the name search); the counts of all proposals split
``inovasi_status`` into disjoint parts by the same decree milestone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dasbor import data, domain, fmt, i18n, settings, store
from dasbor.figures import define
from dasbor.filters import Filters, text_search
from dasbor.i18n import label

# What a public innovation is, for every figure, the list, the CSV, the post-load check
# (etl/checks.py) and the table that holds them (inovasi_publik in etl/sql/marts.sql):
#
#     marked public (publikasi = ya) AND reached the decree stage (penetapan) or a later one,
#     whether or not it was stopped afterwards.
#
# "Reached" is the furthest flow stage an innovation entered (inovasi_status.urutan_maks), not the
# existence of a decree date. In the stage model (dasbor/domain.py, after PP 38/2017) a trial, an
# implementation, an institutionalisation or an evaluation only follow the head of region's decree,
# so a later stage implies the decree even when the region reported no decree row or no date for it;
# the loader and the internal pages read a skipped stage as passed the same way (tahap_capai_lebar,
# Alur's funnel, the comparison targets). The stricter "has a decree date" would hide from the public
# innovations that are demonstrably running, implemented or evaluated (221 of the sample's 2,066)
# because of a gap in the reporting, not in the innovation, and would show the public fewer
# implemented innovations than the dashboard counts inside. So the set is the reached-stage one, and
# the card says how many of it have no decree date recorded (``undated``). The CSV carries the
# furthest stage reached (tahap_terjauh), so a reader can see why an undated row is listed.
#
# Whatever happened after the decree does not take an innovation out of the set: one stopped later is
# listed (stage Dihentikan), and so would be one reported "not feasible" after its decree (the model
# has that exit before the decree; the loader does not refuse such a history). The counts of all
# proposals split by the same milestone: a proposal is decreed, or else not feasible, stopped, or
# still before the decree, never two of them.
#
# The name search narrows only this public set. Counts of all proposals ignore it: counting
# unpublished proposals by a typed name would tell the public which names exist.

OTHER_EXITS = tuple(c for c in domain.EXITS if c != domain.NOT_FEASIBLE)  # exits other than "not feasible"
BEFORE_DECREE = domain.FLOW[: domain.FLOW.index(domain.DECREE)]
FROM_DECREE = domain.FLOW[domain.FLOW.index(domain.DECREE) :]
FROM_IMPLEMENTED = domain.FLOW[domain.FLOW.index(domain.IMPLEMENTED) :]

PUBLIC_COLUMNS = (
    "kode_inovasi",
    "nama_inovasi",
    "wilayah",
    "nama_provinsi",
    "perangkat_daerah",
    "inisiator",
    "bentuk",
    "jenis",
    "urusan",
    "tahun_usulan",
    "tahap",
    "kelompok",
    "tahap_terjauh",
    "tanggal_penetapan",
    "tanggal_penerapan",
    "status_lanjut",
    "hasil_evaluasi_terakhir",
    "anggaran",
    "deskripsi",
)
DICTIONARY = (  # column, Indonesian meaning, English meaning
    ("kode_inovasi", "Kode inovasi dari daerah", "The region's code of the innovation"),
    ("nama_inovasi", "Nama inovasi", "Name of the innovation"),
    ("wilayah", "Kabupaten/kota atau provinsi pelaksana", "Implementing regency/city or province"),
    ("nama_provinsi", "Provinsi", "Province"),
    ("perangkat_daerah", "Perangkat daerah pemilik inovasi", "Agency that owns the innovation"),
    ("inisiator", "Sumber inovasi (PP 38/2017 Ps 3)", "Source (PP 38/2017 art. 3)"),
    ("bentuk", "Bentuk: tata_kelola, pelayanan_publik, lainnya", "Form"),
    ("jenis", "Jenis: digital, non_digital", "Type"),
    ("urusan", "Kode urusan (Permendagri 90/2019)", "Affair code (Permendagri 90/2019)"),
    ("tahun_usulan", "Tahun usulan", "Year proposed"),
    ("tahap", "Tahap terkini", "Current stage"),
    ("kelompok", "Kelompok tahap Kemendagri: Inisiatif, Uji Coba, Penerapan", "Kemendagri stage group"),
    (
        "tahap_terjauh",
        f"Tahap terjauh yang pernah dicapai: {', '.join(FROM_DECREE)} (tahap sesudah penetapan berarti "
        "sudah ditetapkan)",
        f"Furthest stage reached: {', '.join(FROM_DECREE)} (a stage after penetapan means it was set by decree)",
    ),
    (
        "tanggal_penetapan",
        "Tanggal penetapan dengan keputusan kepala daerah; kosong bila tanggalnya tidak dilaporkan",
        "Date set by decree; empty when the date was not reported",
    ),
    ("tanggal_penerapan", "Tanggal mulai penerapan", "Date implemented"),
    ("status_lanjut", "Setelah penerapan: berlanjut atau berhenti", "After implementation: continuing or stopped"),
    ("hasil_evaluasi_terakhir", "Hasil evaluasi terakhir", "Latest evaluation result"),
    ("anggaran", "Anggaran (Rupiah)", "Budget (Rupiah)"),
    ("deskripsi", "Uraian singkat", "Short description"),
)
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


def dictionary(loaded) -> pd.DataFrame:
    """The data dictionary download: every column of the CSV, then the licence and the data's date."""
    frame = pd.DataFrame(DICTIONARY, columns=["kolom", "arti", "meaning"])
    frame.loc[len(frame)] = ["(lisensi / licence)", LICENCE, f"data per {loaded:%Y-%m-%d}"]
    return frame


def package_note(lang: str) -> str | None:
    """The link to the static data package (etl/datapackage.py: the same CSVs, written at every load),
    for people and programs that fetch the data directly; None when no web server serves it
    (``INOVASI_PACKAGE_URL`` empty, as under a plain ``streamlit run``: the link would lead nowhere).
    scripts/serve.sh and compose.yaml route /publik/ to a file server and set it (docs/deploy.md)."""
    url = settings.package_url()
    if not url:
        return None
    pkg, csv = f"{url}datapackage.json", f"{url}inovasi_daerah_publik.csv"
    if lang == "id":
        return (
            f"Semua inovasi publik (tanpa filter) juga tersedia sebagai paket data statis Frictionless di `{url}`: "
            f"[datapackage.json]({pkg}) dengan skema tabelnya, [CSV]({csv}), kamus data dan lisensinya, diperbarui "
            "setiap kali data dimuat."
        )
    return (
        f"Every public innovation (unfiltered) is also published as a static Frictionless data package at `{url}`: "
        f"[datapackage.json]({pkg}) with its table schema, the [CSV]({csv}), the data dictionary and the licence, "
        "renewed at every load."
    )


def _stages(codes: tuple[str, ...], lang: str) -> str:
    """'uji coba, penerapan atau evaluasi': stage names from the stage model, in a sentence."""
    names = [label("tahap", c, lang).lower() for c in codes]
    last = i18n.tr(lang, " atau ")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + last + names[-1]


AFTER_DECREE = domain.flow_after(domain.DECREE)
AFTER_IMPLEMENTED = domain.flow_after(domain.IMPLEMENTED)
# the stage names the definitions spell out, in each language
ID, EN = (
    {
        "after_decree": _stages(AFTER_DECREE, lang),
        "after_implemented": _stages(AFTER_IMPLEMENTED, lang),
        "before_decree": _stages(BEFORE_DECREE, lang),
        "other_exits": _stages(OTHER_EXITS, lang),
    }
    for lang in ("id", "en")
)
PROPOSALS = ("usulan", "proposals")
INNOVATIONS = ("inovasi", "innovations")

PUBLIC = define(
    "publik.inovasi_publik",
    ("Inovasi publik", "Public innovations"),
    (
        "Inovasi publik adalah inovasi yang ditandai boleh dipublikasikan (publikasi = ya) dan sudah sampai "
        f"tahap penetapan dengan keputusan kepala daerah atau tahap sesudahnya ({ID['after_decree']}), termasuk "
        "yang kemudian dihentikan. Tahap sesudahnya berarti inovasi itu sudah ditetapkan, walaupun tanggal "
        "penetapannya tidak dilaporkan.",
        "A public innovation is one cleared for publication (publikasi = ya) that has reached the stage of "
        f"being set by a head-of-region decree or a later stage ({EN['after_decree']}), including those stopped "
        "afterwards. A later stage means it was set by decree, even if the decree's date was not reported.",
    ),
    INNOVATIONS,
)
DEFINITION = {"id": PUBLIC.definition_id, "en": PUBLIC.definition_en}
FIGURES = {  # the cards, in the order shown; the first five over all proposals, the last two public
    "usulan": define(
        "publik.usulan",
        ("Semua usulan", "All proposals"),
        (
            "Semua inovasi yang dilaporkan daerah sesuai filter, apa pun tahapnya, boleh dipublikasikan atau tidak "
            "(hanya angka). Jumlahnya = belum ditetapkan + tidak layak + dihentikan sebelum ditetapkan + sudah "
            "ditetapkan. Pencarian nama tidak mempersempit angka ini.",
            "Every innovation the regions reported, as filtered, whatever its stage and whether cleared for "
            "publication or not (counts only). It equals not yet decreed + not feasible + stopped before decree + "
            "decreed. The name search does not narrow this figure.",
        ),
        PROPOSALS,
    ),
    "belum_ditetapkan": define(
        "publik.belum_ditetapkan",
        ("Belum ditetapkan", "Not yet decreed"),
        (
            f"Usulan yang masih berjalan dan belum sampai penetapan: tahap terjauhnya {ID['before_decree']}.",
            f"Proposals still running that have not reached the decree: their furthest stage is {EN['before_decree']}.",
        ),
        PROPOSALS,
    ),
    "tidak_layak": define(
        "publik.tidak_layak",
        ("Tidak layak", "Not feasible"),
        (
            "Usulan yang dinilai tidak layak (tahap terkini: tidak layak) dan tidak pernah sampai penetapan.",
            "Proposals judged not feasible (current stage: not feasible) that never reached the decree.",
        ),
        PROPOSALS,
    ),
    "dihentikan": define(
        "publik.dihentikan_sebelum_penetapan",
        ("Dihentikan sebelum ditetapkan", "Stopped before decree"),
        (
            f"Usulan yang keluar dari alur sebelum sampai penetapan (tahap terkini: {ID['other_exits']}).",
            f"Proposals that left the flow before reaching the decree (current stage: {EN['other_exits']}).",
        ),
        PROPOSALS,
    ),
    "ditetapkan": define(
        "publik.sudah_ditetapkan",
        ("Sudah ditetapkan", "Decreed"),
        (
            f"Usulan yang sudah sampai tahap penetapan atau sesudahnya ({ID['after_decree']}), termasuk yang "
            "kemudian dihentikan, boleh dipublikasikan atau tidak. Yang boleh dipublikasikan adalah inovasi publik.",
            f"Proposals that reached the decree or a later stage ({EN['after_decree']}), including those "
            "stopped afterwards, cleared for publication or not. Those cleared for publication are the public "
            "innovations.",
        ),
        PROPOSALS,
    ),
    "publik": PUBLIC,
    "diterapkan": define(
        "publik.diterapkan",
        ("Diterapkan", "Implemented"),
        (
            f"Inovasi publik yang sudah sampai tahap penerapan atau sesudahnya ({ID['after_implemented']}), "
            "termasuk yang kemudian dihentikan: bagian dari inovasi publik di daftar, sesuai filter dan pencarian.",
            f"Public innovations that reached implementation or a later stage ({EN['after_implemented']}), "
            "including those stopped afterwards: part of the public innovations listed, as filtered and searched.",
        ),
        INNOVATIONS,
    ),
}
MIXES = {  # the charts of public innovations; their counts add up to the card
    "kelompok": define(
        "publik.tahap",
        ("Tahap inovasi publik", "Stage of public innovations"),
        (
            "Inovasi publik menurut pengelompokan Kemendagri: Inisiatif, Uji Coba, Penerapan; Dihentikan = tidak "
            "berjalan lagi.",
            "Public innovations by Kemendagri's grouping: Initiative, Trial, Implementation; Stopped = no longer "
            "running.",
        ),
        INNOVATIONS,
    ),
    "bentuk": define(
        "publik.bentuk",
        ("Bentuk inovasi publik", "Form of public innovations"),
        (
            "Inovasi publik menurut bentuknya: tata kelola pemerintahan, pelayanan publik, atau lainnya sesuai urusan.",
            "Public innovations by form: governance, public service, or other.",
        ),
        INNOVATIONS,
    ),
}


def intro(lang: str) -> str:
    """What the page shows, with the definition of what it lists."""
    if lang == "id":
        return (
            "Inovasi pelayanan publik dan tata kelola yang dijalankan pemerintah daerah. Daftar, grafik dan CSV di "
            f"sini hanya memuat inovasi publik. {DEFINITION['id']} Usulan yang belum ditetapkan, tidak layak, "
            "dihentikan sebelum ditetapkan, atau tidak boleh dipublikasikan hanya muncul sebagai angka. Tidak ada "
            "data pribadi."
        )
    return (
        "Public-service and governance innovations run by regional governments. The list, the charts and the CSV "
        f"here hold public innovations only. {DEFINITION['en']} Proposals not yet decreed, not feasible, stopped "
        "before decree, or not cleared for publication appear only as counts. No personal data."
    )


def breakdown(total: pd.Series, n_public: int, lang: str) -> str:
    """All proposals as the sum of their disjoint parts, and the decreed ones split by publication."""
    n = {k: fmt.number(int(total[k]), lang) for k in ("usulan", "belum_ditetapkan", "tidak_layak", "dihentikan")}
    decreed, public = int(total.ditetapkan), n_public
    d, p, hidden = fmt.number(decreed, lang), fmt.number(public, lang), fmt.number(decreed - public, lang)
    if lang == "id":
        return (
            f"{n['usulan']} usulan = {n['belum_ditetapkan']} belum ditetapkan + {n['tidak_layak']} tidak layak + "
            f"{n['dihentikan']} dihentikan sebelum ditetapkan + {d} sudah ditetapkan. Dari {d} yang sudah "
            f"ditetapkan, {p} boleh dipublikasikan (inovasi publik) dan {hidden} tidak."
        )
    return (
        f"{n['usulan']} proposals = {n['belum_ditetapkan']} not yet decreed + {n['tidak_layak']} not feasible + "
        f"{n['dihentikan']} stopped before decree + {d} decreed. Of the {d} decreed, {p} are cleared for "
        f"publication (public innovations) and {hidden} are not."
    )


UNDATED = {  # card → the column of ``counts`` holding how many of it lack their stage's date, and that stage
    "publik": ("tanpa_tanggal_penetapan", domain.DECREE),
    "diterapkan": ("tanpa_tanggal_penerapan", domain.IMPLEMENTED),
}


def undated(found: pd.Series, key: str, lang: str) -> str | None:
    """'N di antaranya tanpa tanggal penetapan tercatat': how many of a public card's innovations
    (``found`` from ``counts``) reached its stage with no date recorded; None for an empty card."""
    column, stage = UNDATED[key]
    if not int(found[key]):
        return None
    count = int(found[column])
    word = {domain.DECREE: ("penetapan", "decree date"), domain.IMPLEMENTED: ("penerapan", "implementation date")}
    w = word[stage][0 if lang == "id" else 1]
    n = fmt.number(count, lang)
    if lang == "id":
        return f"{n} di antaranya tanpa tanggal {w} tercatat" if count else f"semua dengan tanggal {w} tercatat"
    return f"{n} of them with no {w} recorded" if count else f"all with a recorded {w}"


def totals(filters: Filters) -> pd.Series:
    """All proposals and their four disjoint parts by how far they got: not yet decreed (still before
    the decree), not feasible, stopped before the decree, decreed (the decree or a later stage).
    Aggregates only: no row of an internal proposal leaves this function; the name search never applies."""
    where, params = filters.where_public("s")
    decree = domain.order(domain.DECREE)
    return data.read(
        f"""
        select count(*) as usulan,
            count(*) filter (where s.urutan_maks < ? and not s.keluar) as belum_ditetapkan,
            count(*) filter (where s.urutan_maks < ? and s.keluar and s.tahap = ?) as tidak_layak,
            count(*) filter (where s.urutan_maks < ? and s.keluar and s.tahap <> ?) as dihentikan,
            count(*) filter (where s.urutan_maks >= ?) as ditetapkan
        from inovasi_status s where {where}
        """,
        [decree, decree, domain.NOT_FEASIBLE, decree, domain.NOT_FEASIBLE, decree, *params],
    ).iloc[0]


SHOWN = 1000


def _where(filters: Filters, search: str) -> tuple[str, list]:
    """The one condition every public figure, the list and the CSV read ``inovasi_publik p`` under."""
    where, params = filters.where_public("p")
    found, found_params = text_search(search, ("p.nama_inovasi", "p.perangkat_daerah", "p.wilayah"))
    return where + found, [*params, *found_params]


def counts(filters: Filters, search: str = "") -> pd.Series:
    """The public innovations (the card: as many as the list and the CSV hold), how many of them have no
    decree date recorded, how many reached implementation, and how many of those have no date for it."""
    where, params = _where(filters, search)
    implemented = f"p.tahap_terjauh in ({', '.join('?' * len(FROM_IMPLEMENTED))})"
    return data.read(
        f"""
        select count(*) as publik,
            count(*) filter (where p.tanggal_penetapan is null) as tanpa_tanggal_penetapan,
            count(*) filter (where {implemented}) as diterapkan,
            count(*) filter (where {implemented} and p.tanggal_penerapan is null) as tanpa_tanggal_penerapan
        from inovasi_publik p where {where}
        """,
        [*FROM_IMPLEMENTED, *FROM_IMPLEMENTED, *params],
    ).iloc[0]


def _rows_sql(filters: Filters, search: str) -> tuple[str, list]:
    where, params = _where(filters, search)
    sql = f"select {', '.join(PUBLIC_COLUMNS)} from inovasi_publik p where {where} order by p.tahun_usulan desc, p.kode_inovasi"
    return sql, params


def rows(filters: Filters, search: str = "", limit: int = SHOWN) -> tuple[pd.DataFrame, int]:
    """The newest ``limit`` public innovations matching, and how many match in all."""
    # The total is a count, not a window over every match. The page of rows is chosen on the sort keys alone, then its columns fetched (descriptions are
    # long: carrying them for every match through the sort held hundreds of MB).
    where, where_params = _where(filters, search)
    columns = ", ".join(f"p.{c}" for c in PUBLIC_COLUMNS)
    frame = data.read(
        f"""
        with page as (
            select p.kode_inovasi, p.tahun_usulan from inovasi_publik p where {where}
            order by p.tahun_usulan desc, p.kode_inovasi limit ?
        )
        select {columns}, (select count(*) from inovasi_publik p where {where}) as total
        from page join inovasi_publik p using (kode_inovasi)
        order by page.tahun_usulan desc, page.kode_inovasi
        """,
        [*where_params, limit, *where_params],
    )
    total = int(frame.total.iloc[0]) if not frame.empty else 0
    return frame.drop(columns="total"), total


def all_rows(filters: Filters, search: str, snapshot: Path, limit: int | None = None) -> pd.DataFrame:
    """Every matching public innovation (or the first ``limit``: 0 gives the columns and their types)."""
    sql, params = _rows_sql(filters, search)
    if limit is not None:
        sql, params = f"{sql} limit ?", [*params, limit]
    return store.query(sql, params, snapshot)


def count(filters: Filters, search: str, snapshot: Path) -> int:
    """How many public innovations match: the rows of ``all_rows`` and ``csv``."""
    where, params = _where(filters, search)
    return int(store.query(f"select count(*) from inovasi_publik p where {where}", params, snapshot).iloc[0, 0])


def csv(filters: Filters, search: str, snapshot: Path) -> bytes:
    """``all_rows`` as the CSV the page's "Unduh CSV" gives (built when the button is clicked) and the
    static data package holds unfiltered: one writer for both, DuckDB's own (``store.csv_bytes``)."""
    sql, params = _rows_sql(filters, search)
    return store.csv_bytes(sql, params, snapshot)


def by_group(filters: Filters, column: str, search: str = "") -> pd.DataFrame:
    """Public innovations per value of ``column``; the counts add up to the card."""
    if column not in ("kelompok", "bentuk", "jenis", "nama_provinsi"):
        raise ValueError(column)
    where, params = _where(filters, search)
    return data.read(
        f"select {column} as nilai, count(*) as jumlah from inovasi_publik p where {where} group by 1 order by jumlah desc",
        params,
    )


def places() -> dict:
    """Where public innovations are, for the public's Provinsi and Wilayah lists (``dasbor/frame.py``):
    the provinces and the kabupaten/kota that hold any (``kode, nama`` and ``kode, nama, kode_provinsi``,
    by name), and the provinces whose own government holds some (offered as "Pemerintah provinsi")."""
    return _places(str(data.snapshot()))


@st.cache_data(show_spinner=False, max_entries=8)
def _places(snapshot: str) -> dict:
    # Every public visit draws these lists: built once per snapshot and shared by every session (the
    # pandas work below cost a public view more than any of its queries).
    found = store.query(
        "select kode_wilayah as kode, wilayah as nama, kode_provinsi, nama_provinsi, tingkat = 'provinsi' as provinsi "
        "from inovasi_publik group by all order by nama, kode",
        snapshot=Path(snapshot),
    )
    provinces = (
        found[["kode_provinsi", "nama_provinsi"]]
        .drop_duplicates()
        .rename(columns={"kode_provinsi": "kode", "nama_provinsi": "nama"})
        .sort_values(["nama", "kode"])
        .reset_index(drop=True)
    )
    regions = found.loc[~found.provinsi, ["kode", "nama", "kode_provinsi"]].reset_index(drop=True)
    return {"provinces": provinces, "regions": regions, "provincial": tuple(found.kode[found.provinsi])}
