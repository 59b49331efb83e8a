"""Kompetisi: a region's entries in the competitions (KIPP, IGA, Inagara, UNPSA), not only its wins.

Entries come from ``kompetisi_entri`` (built at load from ``penghargaan`` and the ordered rounds of
``dasbor/domain.py``): one row per entry with the furthest round it reached (``peringkat``; null
when the round is unknown). A region's account sees its own entries; other regions only as national
aggregates (the share that passes each round, the number of regions that enter often and never pass).
Whether awarded innovations keep running is read with Dampak's survival definition
(``dasbor.queries.dampak.survival``), not a second one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dasbor import data, domain, fmt, stats
from dasbor.access import NATIONAL, Viewer, scope_sql
from dasbor.figures import define
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import dampak

MIN_ENTRIES = 3  # entries (with a known round) from which a region that never passed is listed
HORIZONS = (1, 2, 3)  # years after implementation at which the share still running is read

ENTRIES = define(
    "kompetisi.entri",
    ("Keikutsertaan per tahun, menurut babak terjauh", "Entries per year, by furthest round"),
    (
        "Satu keikutsertaan = satu wilayah (atau satu inovasinya) dalam satu ajang, tahun dan kategori, dengan babak "
        "terjauh yang dicapainya pada skala ajang itu (KIPP: peserta, Top 99, Top 9/25/35/40/45 menurut tahunnya, "
        "nominasi UNPSA, pemenang UNPSA; IGA: peserta, nominasi, terinovatif). Baris tanpa capaian dihitung sebagai "
        "keikutsertaan yang babaknya tidak diketahui.",
        "One entry = one region (or one of its innovations) in one competition, year and category, with the furthest "
        "round it reached on that competition's scale (KIPP: entrant, Top 99, the year's Top 9/25/35/40/45, UNPSA "
        "nominee, UNPSA winner; IGA: entrant, nominee, most innovative). Rows without a capaian count as entries whose "
        "round is unknown.",
    ),
    ("keikutsertaan", "entries"),
)
PASSING = define(
    "kompetisi.lolos_babak",
    ("Bagian yang lolos tiap babak", "Share that passes each round"),
    (
        "Untuk tiap babak: dari keikutsertaan yang mencapai babak sebelumnya, bagian yang mencapai babak ini atau "
        "sesudahnya, dengan interval 95% Wilson; keikutsertaan yang babaknya tidak diketahui tidak dihitung. Bila tak "
        "satu pun keikutsertaan tercatat berhenti di babak sebelumnya, data hanya memuat yang lolos (daftar resmi "
        "sering begitu), jadi bagiannya tidak ditampilkan. Nasional = semua wilayah, sama bagi setiap pengguna.",
        "For each round: of the entries that reached the round before, the share that reached this round or a later "
        "one, with a 95% Wilson interval; entries whose round is unknown are left out. When no entry is recorded as "
        "stopping at the round before, the data holds only those who passed (as official lists often do), so no share "
        "is shown. National = every region, the same for every user.",
    ),
    ("persen keikutsertaan", "percent of entries"),
)
SIZES = define(
    "kompetisi.ukuran_babak",
    ("Ukuran babak nasional yang diketahui", "Known national round sizes"),
    (
        "Berapa keikutsertaan yang mencapai tiap babak secara nasional (kementerian, lembaga dan BUMN/BUMD termasuk), "
        "menurut sumber yang disebut; tahun dan babak lain tidak diketahui. Bagian = babak ini dibagi babak sebelumnya "
        "bila keduanya diketahui.",
        "How many entries reached each round nationally (ministries, agencies and state enterprises included), per the "
        "source named; other years and rounds are unknown. Share = this round over the round before when both are "
        "known.",
    ),
    ("keikutsertaan", "entries"),
)
NEVER = define(
    "kompetisi.sering_tanpa_lolos",
    ("Sering ikut, belum pernah lolos", "Enter often, never pass"),
    (
        f"Wilayah dengan sedikitnya {MIN_ENTRIES} keikutsertaan yang babaknya diketahui dalam ajang ini, dan tak satu "
        "pun melewati babak pertama (semua berhenti sebagai peserta). Akun daerah hanya melihat jumlah wilayah itu "
        "secara nasional dan apakah wilayahnya sendiri termasuk.",
        f"Regions with at least {MIN_ENTRIES} entries of known round in this competition, none of which passed the "
        "first round (all stopped as entrants). A region's account sees only how many such regions there are "
        "nationally, and whether its own is one.",
    ),
    ("wilayah", "regions"),
)
RUNNING = define(
    "kompetisi.masih_berjalan",
    (
        "Masih berjalan setelah diterapkan: yang lolos dan yang tidak",
        "Still running after implementation: winners and the rest",
    ),
    (
        "Bagian inovasi yang masih berjalan 1, 2 dan 3 tahun setelah penerapan, dengan definisi ketahanan halaman "
        "Dampak (kurva Kaplan–Meier: yang tercatat dihentikan berhenti, yang masih berjalan dihitung sampai hari ini), "
        "untuk inovasi yang pernah lolos sedikitnya satu babak sebuah ajang, yang ikut tetapi tidak pernah lolos, dan "
        "semua inovasi yang diterapkan. – bila tak satu pun diikuti selama itu. Nasional = semua wilayah dengan filter "
        "yang sama. Bukti: dilaporkan sendiri.",
        "Share of innovations still running 1, 2 and 3 years after implementation, by the Impact page's survival "
        "definition (a Kaplan–Meier curve: those recorded as stopped stop, those still running count up to today), for "
        "innovations that passed at least one round of a competition, those that entered and never passed, and every "
        "implemented innovation. – when none was followed that long. National = every region under the same filters. "
        "Evidence: self-reported.",
    ),
    ("bagian inovasi", "share of innovations"),
)


def jippnas(lang: str) -> str:
    """The JIPPNas finding, cited, in the reader's language."""
    stopped, updated = domain.JIPPNAS_STOPPED
    if lang == "id":
        return (
            f"Sebagai pembanding: dari {fmt.number(updated, lang)} inovasi yang diperbarui di JIPPNas, "
            f"{fmt.number(stopped, lang)} sudah berhenti (kartu desain produk, docs/DESIGN.md bagian 2)."
        )
    return (
        f"For context: of {fmt.number(updated, lang)} innovations updated in JIPPNas, {fmt.number(stopped, lang)} had "
        "stopped (the product's design card, docs/DESIGN.md section 2)."
    )


# Entries are facts per region and competition year, not per proposal: the proposal filters do not
# narrow them (the region and province do). The survival figure applies every filter, as Dampak does.
IGNORES = ("tahun", "sumber", "bentuk", "jenis", "urusan", "tahap")
UNKNOWN = 0  # the rank a table shows for an entry whose round is unknown


def competitions() -> list[str]:
    """The competitions with entries in the data, those with a scale first (in domain order)."""
    have = set(data.read("select distinct ajang from kompetisi_entri").ajang)
    return [a for a in domain.COMPETITIONS if a in have] + sorted(have - set(domain.COMPETITIONS))


def _entries(viewer: Viewer, ajang: str, region: str | None, provinsi: str | None) -> pd.DataFrame:
    scope, params = scope_sql(viewer, "e.kode_wilayah")
    clause, extra = "", []
    if region:
        clause, extra = "and e.kode_wilayah = ?", [region]
    elif provinsi:
        clause, extra = "and e.kode_provinsi = ?", [provinsi]
    return data.read(
        f"""
        select e.kode_wilayah, w.nama, e.tingkat, e.tahun, e.kategori, e.kode_inovasi, e.peringkat, e.capaian
        from kompetisi_entri e join wilayah w on w.kode = e.kode_wilayah
        where e.ajang = ? and {scope} {clause}
        order by e.tahun, w.nama
        """,
        [ajang, *params, *extra],
    )


def entries(ctx: Ctx, ajang: str, region: str | None = None) -> pd.DataFrame:
    """The entries of one competition the viewer may see: one region's, or (no region) every region in
    the viewer's scope, in the chosen province."""
    return _entries(ctx.viewer, ajang, region, None if region else ctx.filters.provinsi)


def national_entries(ajang: str) -> pd.DataFrame:
    """Every region's entries of one competition: only for national aggregates."""
    return _entries(NATIONAL, ajang, None, None)


def per_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Entries per year and furthest rank (``UNKNOWN`` for an unknown round): tahun, peringkat, jumlah."""
    if frame.empty:
        return pd.DataFrame(columns=["tahun", "peringkat", "jumlah"])
    ranks = frame.peringkat.fillna(UNKNOWN).astype(int)
    return (
        frame.assign(peringkat=ranks)
        .groupby(["tahun", "peringkat"])
        .size()
        .reset_index(name="jumlah")
        .sort_values(["tahun", "peringkat"])
    )


def region_years(frame: pd.DataFrame) -> pd.DataFrame:
    """Entries per region (rows: kode_wilayah, nama) and year (one column per year), with their total
    (``jumlah``); largest total first."""
    if frame.empty:
        return pd.DataFrame(columns=["kode_wilayah", "nama", "jumlah"])
    wide = frame.groupby(["kode_wilayah", "nama", "tahun"]).size().unstack("tahun", fill_value=0)
    wide["jumlah"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide.sort_values("jumlah", ascending=False, kind="stable").reset_index()


def recorded_stops(frame: pd.DataFrame) -> set[int]:
    """The ranks at which some entry of ``frame`` stopped (its furthest round): a round whose
    entrants the data never records as stopping there lists only those who passed it."""
    return set(frame.peringkat.dropna().astype(int)) if len(frame) else set()


def passing(frame: pd.DataFrame, ajang: str, stops: set[int] | None = None) -> pd.DataFrame:
    """Per round after the first (rank r): n = entries of known round that reached rank r − 1, k = those
    that reached r or further, the share with its Wilson interval, and ``berhenti`` = entries stopped
    exactly at r − 1. ``stops`` (default: ``recorded_stops(frame)``; pass the national ones for a
    region) are the ranks the data records entries stopping at: when r − 1 is not among them the
    data lists only those who passed, and no share is given."""
    ranks = frame.peringkat.dropna().astype(int).to_numpy() if len(frame) else np.array([], int)
    stops = recorded_stops(frame) if stops is None else stops
    names = domain.rank_names(ajang, "id")
    rows = []
    for rank in sorted(names)[1:]:
        n = int((ranks >= rank - 1).sum())
        k = int((ranks >= rank).sum())
        stopped = int((ranks == rank - 1).sum())
        shown = n > 0 and (rank - 1) in stops
        lo, hi = stats.wilson(k, n) if shown else (math.nan, math.nan)
        rows.append(
            {
                "peringkat": rank,
                "n": n,
                "k": k,
                "berhenti": stopped,
                "bagian": k / n if shown else math.nan,
                "lo": lo,
                "hi": hi,
            }
        )
    return pd.DataFrame(rows, columns=["peringkat", "n", "k", "berhenti", "bagian", "lo", "hi"])


def known_sizes(ajang: str) -> pd.DataFrame:
    """The national round sizes of ``domain.ROUND_SIZES`` for one competition: tahun, peringkat,
    capaian, jumlah, sumber, and the share of the round before when that round's size is known too."""
    ref = {r.code: r.rank for r in domain.rounds(ajang)}
    rows = [
        {"tahun": s.tahun, "peringkat": ref[s.capaian], "capaian": s.capaian, "jumlah": s.size, "sumber": s.source}
        for s in domain.ROUND_SIZES
        if s.ajang == ajang
    ]
    frame = pd.DataFrame(rows, columns=["tahun", "peringkat", "capaian", "jumlah", "sumber"])
    if frame.empty:
        return frame.assign(bagian=[])
    size = {(t, p): j for t, p, j in zip(frame.tahun, frame.peringkat, frame.jumlah, strict=True)}
    frame["bagian"] = [
        size[(t, p)] / size[(t, p - 1)] if (t, p - 1) in size else math.nan
        for t, p in zip(frame.tahun, frame.peringkat, strict=True)
    ]
    return frame.sort_values(["tahun", "peringkat"]).reset_index(drop=True)


def never_passed(ajang: str) -> pd.DataFrame:
    """Regions (nationally) with at least ``MIN_ENTRIES`` entries of known round and none past the first:
    kode_wilayah, nama, entries, first and last year. Names are for national viewers only."""
    return data.read(
        """
        select e.kode_wilayah, w.nama, w.nama_provinsi, count(*) as keikutsertaan, min(e.tahun) as dari,
            max(e.tahun) as sampai
        from kompetisi_entri e join wilayah w on w.kode = e.kode_wilayah
        where e.ajang = ? and e.peringkat is not null
        group by all
        having count(*) >= ? and max(e.peringkat) = 1
        order by keikutsertaan desc, w.nama
        """,
        [ajang, MIN_ENTRIES],
    )


# Innovations by how they fared in the competitions (any competition): SQL over kompetisi_entri, fixed.
GROUPS = {
    "lolos": "select kode_inovasi from kompetisi_entri where kode_inovasi is not null and peringkat >= 2",
    "tidak_lolos": (
        "select kode_inovasi from kompetisi_entri where kode_inovasi is not null group by kode_inovasi "
        "having max(peringkat) = 1 and count(*) = count(peringkat)"
    ),
    "semua": None,
}


@dataclass(frozen=True)
class _Among:
    """Filters narrowed to one group of innovations, as ``dampak.survival`` reads them (it asks its
    filters for ``where`` only): the survival definition stays Dampak's."""

    filters: Filters
    group: str

    def where(self, viewer: Viewer, alias: str = "s") -> tuple[str, list]:
        where, params = self.filters.where(viewer, alias)
        sql = GROUPS[self.group]
        return (where if sql is None else f"{where} and {alias}.kode_inovasi in ({sql})"), params


def still_running(life: pd.DataFrame, years: int) -> float:
    """The Kaplan–Meier share still running ``years`` after implementation, from Dampak's (hari,
    berhenti, jumlah) rows: nan when no innovation was followed that long and the curve had not
    reached zero (0 when every one had stopped before)."""
    if life.empty:
        return math.nan
    days = 365.25 * years
    times, surv = stats.kaplan_meier(life.hari, life.berhenti, life.jumlah)
    if life.jumlah[life.hari >= days].sum() == 0 and surv[-1] > 0:
        return math.nan  # the curve ends before then with some still running: not known that far
    return float(surv[np.searchsorted(times, days, side="right") - 1])


@st.cache_data(show_spinner=False, max_entries=64)
def _running(snapshot: str, filters: Filters, viewer: Viewer, group: str) -> dict:
    life = dampak.survival(_Among(filters, group), viewer, Path(snapshot))
    n = int(life.jumlah.sum()) if len(life) else 0
    stopped = int(life.jumlah[life.berhenti].sum()) if len(life) else 0
    return {"n": n, "berhenti": stopped, **{f"th{y}": still_running(life, y) for y in HORIZONS}}


def running(ctx: Ctx, region: str | None = None) -> pd.DataFrame:
    """Per group (lolos, tidak_lolos, semua): in view (the filters, the viewer's scope, ``region`` when
    given) and nationally (every region, the same filters less the place): innovations, stopped, and
    the share still running after 1, 2, 3 years."""
    snap = str(data.snapshot())
    here = ctx.filters if region is None else replace(ctx.filters, provinsi=None, wilayah=region)
    nation = ctx.filters.without("provinsi", "wilayah")
    rows = []
    for group in GROUPS:
        mine = _running(snap, here, ctx.viewer, group)
        all_ = _running(snap, nation, NATIONAL, group)
        rows.append({"kelompok": group, **mine, **{f"nasional_{k}": v for k, v in all_.items()}})
    return pd.DataFrame(rows)
