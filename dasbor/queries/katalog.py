"""Katalog: every innovation in view, searchable, and one innovation's full record."""

from __future__ import annotations

import pandas as pd

from dasbor import data, domain
from dasbor.filters import text_search
from dasbor.frame import Ctx

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
        select i.*, w.nama as wilayah, w.nama_provinsi, s.tahap, s.tanggal_tahap, s.status_lanjut, u.nama as nama_urusan
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
        "select tahun, ajang, capaian, kategori from penghargaan where kode_inovasi = ? order by tahun", [kode]
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
