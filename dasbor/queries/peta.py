"""The map: the value of the figure in view for every region drawn, or why a region has none.

No figure is defined here. Each option of the map reuses the figure declared beside the query that
computes it, and the same query: counts of proposals (``publik.usulan``), proposals per 100,000 people,
the share reaching a stage and the IID (``wilayah.*``, from ``wilayah.region_table``, the table of
Perbandingan Wilayah), and for the public the counts of public innovations (``publik.*``, under the
same condition as the Transparansi cards, list and CSV).

Each region drawn gets one status:
- ``nilai``: it has a value (a count may be 0: the region reported, none matches the filters);
- ``tidak_ada``: no data (it never reported an innovation in the figure's source, or the figure is
  undefined for it: no proposals for a share, no population for a rate, no IID score);
- ``di_luar_akses``: outside a region account's access. Such a region is never queried: its row holds
  its code and name (public geography) and nothing else.

A region account's values come from queries under its scope (``ctx.where``, ``scope_sql``); the
national aggregate of the caption is the only figure computed over other regions, and only its
total leaves this module.

Levels follow the peer clusters of Perbandingan Wilayah: ``provinsi`` draws the provinces coloured by
the provincial government's own innovations (not the sum of its kabupaten/kota); ``kabkota`` draws
kabupaten and kota.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dasbor import access, data, domain, geo
from dasbor.access import NATIONAL
from dasbor.figures import Figure
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import publik
from dasbor.queries import wilayah as w

LEVELS = ("kabkota", "provinsi")
TIERS = {"provinsi": ("provinsi",), "kabkota": ("kabupaten", "kota")}
STATUSES = ("nilai", "tidak_ada", "di_luar_akses")


@dataclass(frozen=True)
class Option:
    key: str
    figure: Figure
    categorical: bool  # coloured by category (IID predikat) rather than on a sequential scale
    ignores: tuple[str, ...]  # filters the figure does not apply (the province filter zooms the map)
    why: tuple[str, str]  # why, in both languages
    public: bool = False
    digits: int = 0  # decimals shown


_REGION = (
    "peta menampilkan setiap wilayah; wilayah yang dipilih diberi garis tebal.",
    "the map shows every region; the chosen region is outlined.",
)
_COHORT = (
    "angka ini dihitung atas kohort usulan seperti tabel Perbandingan Wilayah: semua usulan tahun terpilih apa "
    "pun tahapnya sekarang, dan peta menampilkan setiap wilayah; wilayah yang dipilih diberi garis tebal.",
    "this figure is computed over the cohort of proposals as the Perbandingan Wilayah table is: every proposal of "
    "the chosen years whatever its stage now, and the map shows every region; the chosen region is outlined.",
)
_FACTS = (
    "IID dicatat per wilayah dan tahun penilaian, bukan per usulan, jadi hanya filter provinsi yang berlaku.",
    "the IID is recorded per region and assessment year, not per proposal, so only the province filter applies.",
)

INTERNAL = {
    "usulan": Option("usulan", publik.FIGURES["usulan"], False, ("wilayah",), _REGION),
    "per_100rb": Option("per_100rb", w.PER_CAPITA, False, w.COHORT_IGNORES, _COHORT, digits=2),
    "proporsi": Option("proporsi", w.SHARE, False, w.COHORT_IGNORES, _COHORT, digits=1),
    "iid": Option("iid", w.IID, True, tuple(n for n in w.REGION_FACTS_IGNORE if n != "provinsi"), _FACTS, digits=2),
}
PUBLIC = {
    "publik": Option("publik", publik.PUBLIC, False, ("wilayah",), _REGION, public=True),
    "diterapkan": Option("diterapkan", publik.FIGURES["diterapkan"], False, ("wilayah",), _REGION, public=True),
}
# IID predikat, from the best to "cannot be assessed", as the legend lists them
PREDIKAT_ORDER = tuple(name for name, _, _ in domain.PREDIKAT_BANDS[::-1])


def options_for(viewer: access.Viewer, public: bool = False) -> dict[str, Option]:
    """The public figures for the public (and on the public page), every internal one otherwise."""
    return PUBLIC if public or viewer.role == "publik" else INTERNAL


@dataclass
class MapValues:
    option: Option
    level: str
    frame: pd.DataFrame  # kode, nama, nama_provinsi, status, nilai, kategori + the figure's own columns
    national: float | None  # the figure over the whole country at this level (NATIONAL view)
    national_n: int  # regions behind the national figure
    detail: str  # which geometry to draw: 'nasional' or 'rinci' (a zoomed map)
    area: tuple[str, ...] | None  # provinces the map is zoomed to; None for the whole country
    population_note: str = ""


def area(ctx: Ctx, level: str) -> tuple[str, ...] | None:
    """Provinces the map zooms to: the province filter's, else a region account's own provinces at the
    kabupaten/kota level (its regions among their neighbours), else None (the whole country)."""
    if ctx.filters.provinsi:
        return (ctx.filters.provinsi,)
    if ctx.viewer.role == "daerah" and level == "kabkota" and ctx.viewer.wilayah:
        return tuple(sorted({c.split(".")[0] for c in ctx.viewer.wilayah}))
    return None


def regions(level: str, provinces: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The region master (public: codes and names) at ``level``, in the provinces given (all when None)."""
    tiers = TIERS[level]
    clause, params = "", []
    if provinces:
        clause = f" and kode_provinsi in ({', '.join('?' * len(provinces))})"
        params = list(provinces)
    return data.read(
        f"select kode, nama, tingkat, kode_provinsi, nama_provinsi from wilayah "
        f"where tingkat in ({', '.join('?' * len(tiers))}){clause} order by kode",
        [*tiers, *params],
    )


def _reported(ctx: Ctx) -> set[str]:
    """Regions (within the viewer's scope) with any innovation reported, whatever the filters."""
    where, params = ctx.viewer_scope("s")
    found = data.read(f"select distinct s.kode_wilayah as kode from inovasi_status s where {where}", params)
    return set(found.kode)


def proposal_counts(ctx: Ctx, level: str) -> pd.DataFrame:
    """``publik.usulan`` per region: every proposal matching the filters (the region filter aside), in scope."""
    where, params = ctx.where("s", ctx.filters.without("wilayah"))
    tiers = TIERS[level]
    return data.read(
        f"select s.kode_wilayah as kode, count(*) as jumlah from inovasi_status s "
        f"where s.tingkat in ({', '.join('?' * len(tiers))}) and {where} group by 1 order by 1",
        [*tiers, *params],
    )


def cohort_table(ctx: Ctx, level: str, stage: str) -> pd.DataFrame:
    """Perbandingan Wilayah's region table (``wilayah.region_table``) for every tier of ``level``."""
    return pd.concat([w.region_table(ctx, tier, stage) for tier in TIERS[level]], ignore_index=True)


def public_counts(filters: Filters, level: str, search: str = "") -> pd.DataFrame:
    """Public innovations per region, and how many of them reached implementation, under the one
    condition of every public figure (``publik._where``: the filters and the name search)."""
    where, params = publik._where(filters.without("wilayah"), search)
    tiers = TIERS[level]
    implemented = f"p.tahap_terjauh in ({', '.join('?' * len(publik.FROM_IMPLEMENTED))})"
    return data.read(
        f"select p.kode_wilayah as kode, count(*) as publik, count(*) filter (where {implemented}) as diterapkan "
        f"from inovasi_publik p where p.tingkat in ({', '.join('?' * len(tiers))}) and {where} group by 1 order by 1",
        [*publik.FROM_IMPLEMENTED, *tiers, *params],
    )


def _public_places() -> set[str]:
    return set(data.read("select distinct kode_wilayah as kode from inovasi_publik").kode)


def _predikat(score, predikat) -> str | None:
    if isinstance(predikat, str):
        return predikat
    if score is not None and not pd.isna(score):
        return domain.predikat_of(float(score))
    return None


def values(
    ctx: Ctx,
    key: str,
    level: str,
    stage: str = domain.IMPLEMENTED,
    search: str = "",
    only: tuple[str, ...] | None = None,
    public: bool = False,
) -> MapValues:
    """Every region the map draws at ``level`` (those of ``only`` when given, else the zoomed area or the
    whole country) with the value of figure ``key`` as ``ctx.viewer`` may see it."""
    if level not in LEVELS:
        raise ValueError(level)
    opts = options_for(ctx.viewer, public)
    option = opts[key] if key in opts else next(iter(opts.values()))
    zoom = None if only else area(ctx, level)
    base = regions(level, zoom)
    if only:
        base = base[base.kode.isin(only)]
    base = base[base.kode.isin(geo.codes(level))].reset_index(drop=True)
    frame = base[["kode", "nama", "nama_provinsi"]].copy()
    frame["nilai"] = np.nan
    frame["kategori"] = None
    if option.public:
        frame["status"], national, national_n, note = _public(ctx, option, level, frame, search)
    else:
        frame["status"], national, national_n, note = _internal(ctx, option, level, stage, frame)
    detail = "rinci" if zoom or only else "nasional"
    return MapValues(option, level, frame, national, national_n, detail, zoom, note)


def _visible(ctx: Ctx, frame: pd.DataFrame) -> np.ndarray:
    if ctx.viewer.role == "publik":
        return np.zeros(len(frame), dtype=bool)
    return np.array([access.sees(ctx.viewer, c) for c in frame.kode], dtype=bool)


def _internal(ctx: Ctx, option: Option, level: str, stage: str, frame: pd.DataFrame):
    seen = _visible(ctx, frame)
    reported = _reported(ctx) if seen.any() else set()
    status = np.where(seen, "tidak_ada", "di_luar_akses").astype(object)
    nation_ctx = replace(ctx, viewer=NATIONAL, filters=ctx.filters.without("provinsi", "wilayah"))
    note = ""
    if option.key == "usulan":
        counts = proposal_counts(ctx, level).set_index("kode").jumlah if seen.any() else pd.Series(dtype=float)
        for i, code in enumerate(frame.kode):
            if seen[i] and code in reported:
                frame.loc[i, "nilai"] = float(counts.get(code, 0))
                status[i] = "nilai"
        every = proposal_counts(nation_ctx, level)
        return status, float(every.jumlah.sum()), len(regions(level)), note
    table = cohort_table(ctx, level, stage).set_index("kode") if seen.any() else None
    extra = {
        "per_100rb": ("n", "penduduk", "tahun_penduduk", "sumber_penduduk"),
        "proporsi": ("k", "n"),
        "iid": ("iid_skor", "iid_predikat", "iid_tahun"),
    }[option.key]
    for column in extra:
        frame[column] = None
    every = cohort_table(nation_ctx, level, stage)
    if table is not None:
        note = (
            w.population_note(table[table.index.isin(frame.kode[seen])], ctx.lang) if option.key == "per_100rb" else ""
        )
        for i, code in enumerate(frame.kode):
            if not seen[i] or code not in table.index:
                continue
            row = table.loc[code]
            for column in extra:
                frame.at[i, column] = row[column]
            if option.key == "per_100rb":
                if code in reported and pd.notna(row.penduduk) and row.penduduk > 0:
                    frame.loc[i, "nilai"] = row.n / row.penduduk * 100_000
                    status[i] = "nilai"
            elif option.key == "proporsi":
                if row.n > 0:
                    frame.loc[i, "nilai"] = row.k / row.n
                    status[i] = "nilai"
            else:
                category = _predikat(row.iid_skor, row.iid_predikat)
                if category is not None:
                    frame.loc[i, "nilai"] = row.iid_skor
                    frame.at[i, "kategori"] = category
                    status[i] = "nilai"
    if option.key == "per_100rb":  # over the regions that report, as the map colours them
        known = every[every.penduduk.notna() & (every.penduduk > 0) & every.kode.isin(_reported(nation_ctx))]
        national = float(known.n.sum() / known.penduduk.sum() * 100_000) if len(known) else None
        return status, national, len(known), note
    if option.key == "proporsi":
        active = every[every.n > 0]
        return status, (float(active.k.sum() / active.n.sum()) if len(active) else None), len(active), note
    scored = every[every.iid_skor.notna()]
    return status, (float(scored.iid_skor.mean()) if len(scored) else None), len(scored), note


def _public(ctx: Ctx, option: Option, level: str, frame: pd.DataFrame, search: str):
    counts = public_counts(ctx.filters, level, search).set_index("kode")
    places = _public_places()
    status = np.full(len(frame), "tidak_ada", dtype=object)
    column = option.key
    for i, code in enumerate(frame.kode):
        if code in places:
            frame.loc[i, "nilai"] = float(counts[column].get(code, 0)) if code in counts.index else 0.0
            status[i] = "nilai"
    every = public_counts(ctx.filters.without("provinsi"), level, search)
    return status, float(every[column].sum()), len(regions(level)), ""
