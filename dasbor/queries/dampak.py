"""Dampak: what implemented innovations did for citizens, from each innovation's latest evaluation."""

from __future__ import annotations

import pandas as pd

from dasbor import data
from dasbor.frame import Ctx

DIMENSIONS = {  # key → SQL expression over inovasi_status s, urusan u and wilayah w (a fixed list)
    "urusan": "coalesce(u.kode || ' ' || u.nama, '–')",
    "bentuk": "s.bentuk",
    "jenis": "s.jenis",
    "wilayah": "w.nama",
}


def _latest(where: str) -> str:
    return f"""
        latest as (
            select e.*
            from evaluasi e join inovasi_status s using (kode_inovasi)
            where {where}
            qualify row_number() over (partition by e.kode_inovasi order by e.tanggal_evaluasi desc) = 1
        )"""


def results_by(ctx: Ctx, dimension: str) -> pd.DataFrame:
    """Counts of latest evaluation results per group of one dimension."""
    expr = DIMENSIONS[dimension]
    where, params = ctx.where()
    return data.read(
        f"""
        with {_latest(where)}
        select {expr} as kelompok, l.hasil, count(*) as jumlah
        from latest l
        join inovasi_status s using (kode_inovasi)
        left join urusan u on u.kode = s.urusan
        join wilayah w on w.kode = s.kode_wilayah
        group by all
        """,
        params,
    )


def latest_evaluations(ctx: Ctx) -> pd.DataFrame:
    """One row per evaluated innovation: its latest evaluation's figures."""
    where, params = ctx.where()
    return data.read(
        f"""
        with {_latest(where)}
        select l.kode_inovasi, i.nama_inovasi, l.hasil, l.penerima_manfaat, l.waktu_layanan_sebelum,
            l.waktu_layanan_sesudah, l.satuan_waktu, l.biaya_sebelum::double as biaya_sebelum,
            l.biaya_sesudah::double as biaya_sesudah, l.ikm_sebelum, l.ikm_sesudah, l.responden
        from latest l join inovasi i using (kode_inovasi)
        """,
        params,
    )


def survival(ctx: Ctx) -> pd.DataFrame:
    """Implemented innovations: days from penerapan to being stopped, or to today if still running."""
    where, params = ctx.where()
    return data.read(
        f"""
        select s.kode_inovasi, s.tanggal_penerapan,
            k.tanggal is not null as berhenti,
            coalesce(k.tanggal, current_date) - s.tanggal_penerapan as hari
        from inovasi_status s
        left join tahap_keluar k
            on k.kode_inovasi = s.kode_inovasi and k.keluar = 'dihentikan' and k.tanggal >= s.tanggal_penerapan
        where s.tanggal_penerapan is not null and {where}
        """,
        params,
    )
