"""Sections of Perbandingan Wilayah: notices of the filters a figure does not apply, the region
table's rows as a reader reads them (formatted with ``fmt`` in the reader's language), IID and
awards of the cluster. One region's profile has a page of its own (pages/8_profil_wilayah.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dasbor import charts, fmt
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import wilayah as q

POSITIONS = {  # a region against the funnel's limits (stats.position)
    "atas_998": ("Di atas batas 99,8%", "Above the 99.8% limit"),
    "atas_95": ("Di atas batas 95%", "Above the 95% limit"),
    "dalam": ("Dalam batas 95%", "Within the 95% limits"),
    "bawah_95": ("Di bawah batas 95%", "Below the 95% limit"),
    "bawah_998": ("Di bawah batas 99,8%", "Below the 99.8% limit"),
}


def position_label(code, lang: str) -> str:
    pair = POSITIONS.get(code)
    return pair[0 if lang == "id" else 1] if pair else "–"


def share_range(lo, hi, lang: str) -> str:
    """'23,1% – 88,2%' (or '23.1% – 88.2%'), '–' when there is no share."""
    return "–" if pd.isna(lo) else f"{fmt.percent(lo, lang)} – {fmt.percent(hi, lang)}"


def iid_cell(score, predikat, year, lang: str) -> str:
    """'62,35 (Sangat Inovatif, 2025)'; 'Sangat Inovatif (2025)' when only the predikat is known."""
    name = label("predikat", predikat, lang) if isinstance(predikat, str) else None
    when = None if pd.isna(year) else str(int(year))
    if pd.isna(score):
        if name is None:
            return "–"
        return f"{name} ({when})" if when else name
    detail = ", ".join(x for x in (name, when) if x)
    value = fmt.number(score, lang, 2)
    return f"{value} ({detail})" if detail else value


def cohort_notice(ctx: Ctx) -> None:
    names = [n for n in q.COHORT_IGNORES if n in ctx.filters.active()]
    why_id, why_en = [], []
    if "tahap" in names:
        why_id.append(
            "Kohort memuat semua usulan tahun terpilih, apa pun tahapnya sekarang: menyaring tahap terkini "
            "akan membuang usulan yang sudah lanjut atau keluar, sehingga proporsinya bias."
        )
        why_en.append(
            "The cohort holds every proposal of the chosen years whatever its stage now: filtering on the "
            "current stage would drop the proposals that moved on or left, which biases the shares."
        )
    if "wilayah" in names:
        why_id.append(
            "Filter wilayah memilih wilayah yang profilnya ditautkan di bawah; perbandingan tetap memuat seluruh "
            "klaster."
        )
        why_en.append(
            "The region filter picks the region of the profile linked below; the comparison keeps the whole cluster."
        )
    ctx.not_applied(
        q.COHORT_IGNORES,
        " ".join(why_id),
        " ".join(why_en),
        what=(
            "tabel, diagram corong dan grafik interval",
            "the table, the funnel plot and the interval chart",
        ),
    )


def region_rows(ctx: Ctx, table: pd.DataFrame, stage_name: str, sort: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The region table as shown (every fraction and percent formatted in the reader's language; counts
    stay whole numbers, which read the same in both) and as downloaded (plain numbers)."""
    t, lang = ctx.t, ctx.lang
    table = q.sort_regions(table, sort)
    has_pop = table.penduduk.notna().any()
    per_100k = table.n / table.penduduk * 100_000
    verdicts = [label("verdict", v if isinstance(v, str) else "tidak_ada", lang) for v in table.verdict]
    names = {
        "nama": t("Wilayah"),
        "nama_provinsi": t("Provinsi"),
        "n": t("Usulan"),
        "k": t("Mencapai {stage_name}", stage_name=stage_name),
        "proporsi": t("Proporsi"),
        "interval": t("Interval 95% (Wilson)"),
        "batas": t("Batas wajar 95%"),
        "banding": t("Dibanding klaster"),
        "per_100rb": q.PER_CAPITA.name(lang),
        "iid": t("IID terakhir"),
        "penghargaan": t("Penghargaan"),
    }
    shown = pd.DataFrame(
        {
            names["nama"]: table.nama,
            names["nama_provinsi"]: table.nama_provinsi,
            names["n"]: table.n.astype(int),
            names["k"]: table.k.astype(int),
            names["proporsi"]: [fmt.percent(p, lang) for p in table.proporsi],
            names["interval"]: [share_range(lo, hi, lang) for lo, hi in zip(table.ci_lo, table.ci_hi, strict=True)],
            names["batas"]: [share_range(lo, hi, lang) for lo, hi in zip(table.batas_lo, table.batas_hi, strict=True)],
            names["banding"]: verdicts,
            **({names["per_100rb"]: [fmt.number(v, lang, 2) for v in per_100k]} if has_pop else {}),
            names["iid"]: [
                iid_cell(s, p, y, lang)
                for s, p, y in zip(table.iid_skor, table.iid_predikat, table.iid_tahun, strict=True)
            ],
            names["penghargaan"]: table.penghargaan.astype(int),
        }
    )
    csv = pd.DataFrame(
        {
            names["nama"]: table.nama,
            names["nama_provinsi"]: table.nama_provinsi,
            names["n"]: table.n,
            names["k"]: table.k,
            names["proporsi"]: table.proporsi,
            t("Interval 95% bawah"): table.ci_lo,
            t("Interval 95% atas"): table.ci_hi,
            t("Batas wajar 95% bawah"): table.batas_lo,
            t("Batas wajar 95% atas"): table.batas_hi,
            names["banding"]: verdicts,
            **({names["per_100rb"]: per_100k} if has_pop else {}),
            t("Skor IID"): table.iid_skor,
            t("Predikat IID"): [label("predikat", p, lang) if isinstance(p, str) else None for p in table.iid_predikat],
            t("Tahun IID"): table.iid_tahun,
            names["penghargaan"]: table.penghargaan,
        }
    )
    return shown, csv


def limit_rows(ctx: Ctx, res: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The regions behind the funnel and the interval chart, as shown and as downloaded."""
    t, lang = ctx.t, ctx.lang
    names = {
        "nama": t("Wilayah"),
        "n": t("Usulan"),
        "k": t("Mencapai"),
        "proporsi": t("Proporsi"),
        "batas": t("Batas wajar 95%"),
        "di_luar": t("Posisi terhadap batas"),
        "verdict": t("Dibanding klaster"),
    }
    words = {
        "di_luar": [position_label(d, lang) for d in res.di_luar],
        "verdict": [label("verdict", v, lang) for v in res.verdict],
    }
    shown = pd.DataFrame(
        {
            names["nama"]: res.nama,
            names["n"]: res.n.astype(int),
            names["k"]: res.k.astype(int),
            names["proporsi"]: [fmt.percent(p, lang) for p in res.proporsi],
            names["batas"]: [share_range(lo, hi, lang) for lo, hi in zip(res.batas_lo, res.batas_hi, strict=True)],
            names["di_luar"]: words["di_luar"],
            names["verdict"]: words["verdict"],
        }
    )
    csv = pd.DataFrame(
        {
            names["nama"]: res.nama,
            names["n"]: res.n,
            names["k"]: res.k,
            names["proporsi"]: res.proporsi,
            t("Batas wajar 95% bawah"): res.batas_lo,
            t("Batas wajar 95% atas"): res.batas_hi,
            names["di_luar"]: words["di_luar"],
            names["verdict"]: words["verdict"],
        }
    )
    return shown, csv


def index_and_awards(ctx: Ctx, cluster: str) -> None:
    t, lang = ctx.t, ctx.lang
    iid = q.iid_years(ctx.viewer, cluster, ctx.filters.provinsi)
    awards = q.awards(ctx.viewer, cluster, ctx.filters.provinsi)
    st.subheader(q.IID.name(lang))
    ctx.not_applied(
        q.REGION_FACTS_IGNORE,
        "Keduanya dicatat per wilayah dan tahun penilaian atau penghargaan, bukan per usulan, jadi hanya "
        "filter provinsi yang berlaku; semua wilayah klaster ditampilkan.",
        "Both are recorded per region and assessment or award year, not per proposal, so only the province "
        "filter applies; every region of the cluster is shown.",
        what=("IID dan penghargaan", "the IID and the awards"),
    )
    if iid.empty:
        st.info(t("Belum ada data IID. Muat tabel `indeks_daerah` (kode_wilayah, tahun, skor dan/atau predikat)."))
    else:
        st.caption(q.IID.definition(lang))
        iid["nilai"] = [iid_cell(s, p, None, lang) for s, p in zip(iid.skor, iid.predikat, strict=True)]
        # one row per region code (two regions may share a name), named afterwards, by name
        wide = iid.pivot(index="kode", columns="tahun", values="nilai").fillna("–")
        names = iid.drop_duplicates("kode").set_index("kode").nama
        wide.insert(0, "nama", names.reindex(wide.index).to_numpy())
        wide = wide.sort_values("nama", kind="stable").reset_index(drop=True)
        wide.columns = [t("Wilayah") if c == "nama" else str(c) for c in wide.columns]
        charts.table_block(wide, f"iid_{cluster}", lang, key=f"iid_{cluster}", expanded=True)
    st.subheader(q.AWARDS.name(lang))
    if awards.empty:
        st.info(t("Belum ada penghargaan untuk klaster ini. Muat tabel `penghargaan`."))
    else:
        st.caption(q.AWARDS.definition(lang))
        closed = t("(tidak dipublikasikan)")
        names = [
            closed if shut else (n if isinstance(n, str) else "–")
            for n, shut in zip(awards.nama_inovasi, awards.tertutup, strict=True)
        ]
        charts.table_block(
            awards.assign(nama_inovasi=names, tahun=awards.tahun.astype(str))
            .drop(columns="tertutup")
            .fillna("–")
            .rename(
                columns={
                    "tahun": t("Tahun"),
                    "nama": t("Wilayah"),
                    "ajang": t("Ajang"),
                    "capaian": t("Capaian"),
                    "kategori": t("Kategori"),
                    "nama_inovasi": t("Inovasi"),
                }
            ),
            f"penghargaan_{cluster}",
            lang,
            key=f"aw_{cluster}",
            expanded=len(awards) <= 15,
        )
