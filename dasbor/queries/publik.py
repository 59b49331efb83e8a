"""Transparansi: the public view. Rows come only from inovasi_publik; everything else only as counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dasbor import data, domain, store
from dasbor.filters import Filters, text_search

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
    ("tanggal_penetapan", "Tanggal penetapan dengan keputusan kepala daerah", "Date set by decree"),
    ("tanggal_penerapan", "Tanggal mulai penerapan", "Date implemented"),
    ("status_lanjut", "Setelah penerapan: berlanjut atau berhenti", "After implementation: continuing or stopped"),
    ("hasil_evaluasi_terakhir", "Hasil evaluasi terakhir", "Latest evaluation result"),
    ("anggaran", "Anggaran (Rupiah)", "Budget (Rupiah)"),
    ("deskripsi", "Uraian singkat", "Short description"),
)
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


def totals(filters: Filters) -> pd.Series:
    """Counts over all proposals (aggregates only: no row of an internal proposal leaves this function)."""
    where, params = filters.where_public("s")
    return data.read(
        f"""
        select count(*) as usulan,
            count(*) filter (where s.tahap = 'tidak_layak') as tidak_layak,
            count(*) filter (where s.urutan_maks < ? and not s.keluar) as belum_ditetapkan,
            count(tanggal_penetapan) as ditetapkan,
            count(tanggal_penerapan) as diterapkan
        from inovasi_status s where {where}
        """,
        [domain.order(domain.DECREE), *params],
    ).iloc[0]


SHOWN = 1000


def _where(filters: Filters, search: str) -> tuple[str, list]:
    where, params = filters.where_public("p")
    found, found_params = text_search(search, ("p.nama_inovasi", "p.perangkat_daerah", "p.wilayah"))
    return where + found, [*params, *found_params]


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


def all_rows(filters: Filters, search: str, snapshot: Path) -> pd.DataFrame:
    """Every matching public innovation, for the CSV download (built when the button is clicked)."""
    sql, params = _rows_sql(filters, search)
    return store.query(sql, params, snapshot)


def by_group(filters: Filters, column: str) -> pd.DataFrame:
    if column not in ("kelompok", "bentuk", "jenis", "nama_provinsi"):
        raise ValueError(column)
    where, params = filters.where_public("p")
    return data.read(
        f"select {column} as nilai, count(*) as jumlah from inovasi_publik p where {where} group by 1 order by jumlah desc",
        params,
    )
