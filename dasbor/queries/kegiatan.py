"""Kegiatan: outreach events (sosialisasi, bimtek, klinik inovasi, lomba) and what followed them.

Every event's estimate is computed once per snapshot over the whole country (``estimates``), because
its comparison group is every other region of its cluster; a page then shows the events its viewer
may see (``ctx.where`` scope: a region's account sees its own) and, for everyone, the national
aggregate by kind. The statistics are in ``dasbor.outreach``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dasbor import data, outreach, store
from dasbor.access import scope_sql
from dasbor.figures import define
from dasbor.frame import Ctx

M, P, C, E = outreach.MONTHS, outreach.MIN_PROPOSALS, outreach.MIN_COMPARISON, outreach.MIN_EVENTS

EVENTS = define(
    "kegiatan.kegiatan",
    ("Kegiatan pembinaan inovasi", "Outreach events"),
    (
        "Sosialisasi, bimbingan teknis, klinik inovasi, lomba dan kegiatan lain yang dilaporkan daerah (tabel "
        "`kegiatan`), dengan penyelenggara, peserta dan sasarannya.",
        "Briefings (sosialisasi), technical guidance (bimtek), innovation clinics, competitions and other events the "
        "regions report (the `kegiatan` table), with organiser, participants and audience.",
    ),
    ("kegiatan", "events"),
)
AFTER = define(
    "kegiatan.sesudah_kegiatan",
    ("Usulan sesudah kegiatan: selisih dari selisih", "Proposals after an event: difference in differences"),
    (
        f"Usulan per bulan di wilayah itu pada {M} bulan sesudah bulan kegiatan dikurangi {M} bulan sebelumnya (bulan "
        "kegiatan sendiri tidak dihitung), dikurangi perubahan yang sama pada rata-rata per wilayah kelompok "
        "pembanding: wilayah lain di klasternya (semua kabupaten, kota, atau provinsi) yang punya usulan dalam data dan "
        "tidak mengadakan kegiatan apa pun selama jendela itu. Tren sendiri = garis kuadrat terkecil atas 12 bulan "
        "sebelum, diteruskan: rata-rata per bulan yang diramalkannya untuk 12 bulan sesudah. "
        "Interval 95% = uji t dua sampel atas selisih bulanan "
        f"wilayah − pembanding ({M} + {M} bulan, derajat bebas {2 * M - 2}), yang menganggap bulan-bulan saling bebas. "
        f"Tidak dihitung bila usulan wilayah itu dalam {2 * M} bulan kurang dari {P}, pembanding kurang dari {C} "
        "wilayah, atau jendelanya belum tercakup data. Semua usulan dihitung, apa pun jenisnya. Ini asosiasi, bukan "
        "bukti sebab-akibat.",
        f"Proposals per month in the region in the {M} months after the event's month minus the {M} months before "
        "(the event's own month left out), minus the same change in the mean per region of the comparison group: the "
        "other regions of its cluster (every kabupaten, kota, or provinsi) that have proposals in the data and held no "
        "event of any kind during the window. Own trend = the least-squares line over the 12 months before, drawn "
        "on: the mean per month it predicts for the 12 months after. "
        "95% interval = a two-sample t interval over the monthly differences "
        f"region − comparison ({M} + {M} months, {2 * M - 2} degrees of freedom), which treats the months as "
        f"independent. Not computed when the region has fewer than {P} proposals in the {2 * M} months, the comparison "
        f"group has fewer than {C} regions, or the data does not cover the window yet. Every proposal counts, whatever "
        "its kind. This is an association, not proof of cause and effect.",
    ),
    ("usulan per bulan", "proposals per month"),
)
MONTHLY = define(
    "kegiatan.per_bulan",
    ("Usulan per bulan di sekitar kegiatan", "Proposals per month around the event"),
    (
        f"Batang = usulan wilayah itu per bulan, {M} bulan sebelum dan {M} bulan sesudah bulan kegiatan (garis tegak); "
        "garis tebal mendatar = rata-rata per bulan sebelum dan sesudah; garis putus = rata-rata per wilayah kelompok "
        "pembanding; garis titik-titik = tren wilayah itu pada bulan-bulan sebelum kegiatan (kuadrat terkecil), "
        "diteruskan ke bulan sesudahnya.",
        f"Bars = the region's proposals per month, {M} months before and {M} after the event's month (vertical line); "
        "thick horizontal lines = the mean per month before and after; dashed line = the comparison group's mean per "
        "region; dotted line = the region's own trend over the months before the event (least squares), drawn on "
        "into the months after.",
    ),
    ("usulan per bulan", "proposals per month"),
)
BY_KIND = define(
    "kegiatan.menurut_jenis",
    ("Jenis kegiatan mana yang diikuti lebih banyak usulan", "Which kinds of outreach are followed by more proposals"),
    (
        "Per jenis kegiatan, di seluruh Indonesia: rata-rata selisih-dari-selisih kegiatan yang dapat dihitung (usulan "
        "per bulan), dengan interval 95% t atas sebaran antarkegiatan; hanya bila ada sedikitnya "
        f"{E} kegiatan yang dapat dihitung. Kegiatan yang berdekatan di satu wilayah saling tumpang tindih. Ini "
        "asosiasi, bukan bukti sebab-akibat: daerah yang mengadakan kegiatan bisa berbeda dari yang tidak.",
        "Per kind of event, across Indonesia: the mean difference in differences of the computable events (proposals "
        "per month), with a 95% t interval over the spread between events; only with at least "
        f"{E} computable events. Events close together in one region overlap. This is an association, not proof of "
        "cause and effect: regions that hold events may differ from those that do not.",
    ),
    ("usulan per bulan", "proposals per month"),
)

# The filters: an estimate counts every proposal of the region (the event was aimed at all of them),
# and the comparison is national, so none of the shared filters applies; the region is chosen by the
# section, not by the filter.
IGNORES = ("tahun", "sumber", "bentuk", "jenis", "urusan", "tahap")
COLUMNS = [
    "kode_wilayah",
    "tingkat",
    "tanggal",
    "jenis",
    "status",
    "n_before",
    "n_after",
    "region_before",
    "region_after",
    "comparison_before",
    "comparison_after",
    "n_comparison",
    "did",
    "lo",
    "hi",
    "dari",
    "sampai",
    "lain",
    "tren_sesudah",
]


def _counts(snapshot: Path) -> tuple[pd.DataFrame, pd.Period | None, pd.Period | None]:
    """Proposals per region and month, every region and proposal (an aggregate the comparison needs,
    whoever looks), and the first and last complete month the data covers."""
    monthly = store.query(
        "select kode_wilayah, date_trunc('month', tanggal_usulan) as bulan, count(*) as n "
        "from inovasi_status group by all",
        snapshot=snapshot,
    )
    span = store.query(
        "select min(tanggal_usulan) as lo, max(greatest(tanggal_usulan, coalesce(tanggal_tahap, tanggal_usulan))) as hi "
        "from inovasi_status",
        snapshot=snapshot,
    ).iloc[0]
    if monthly.empty or pd.isna(span.hi):
        return pd.DataFrame(), None, None
    hi = pd.Timestamp(span.hi)
    last = hi.to_period("M") - (0 if hi.is_month_end else 1)  # the last month the data covers in full
    first = pd.Timestamp(span.lo).to_period("M")
    monthly["bulan"] = pd.to_datetime(monthly.bulan).dt.to_period("M")
    wide = monthly.pivot_table(index="kode_wilayah", columns="bulan", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=pd.period_range(first, max(last, first), freq="M"), fill_value=0)
    return wide, first, last


def _all_events(snapshot: Path) -> pd.DataFrame:
    """Every event, with its region's cluster: who held one decides every other event's comparison group."""
    return store.query(
        "select k.kode_wilayah, w.tingkat, k.tanggal, k.jenis from kegiatan k join wilayah w on w.kode = k.kode_wilayah "
        "order by k.kode_wilayah, k.tanggal, k.jenis",
        snapshot=snapshot,
    )


class _Windows:
    """The monthly counts and the events of one snapshot, held as arrays (a region per row, a month
    per column from the data's first month), ready for each event's estimate."""

    def __init__(self, snapshot: Path):
        wide, self.first, self.last = _counts(snapshot)
        self.events = _all_events(snapshot)
        levels = store.query("select kode, tingkat from wilayah", snapshot=snapshot).set_index("kode").tingkat
        self.codes = list(wide.index)
        self.row = {c: i for i, c in enumerate(self.codes)}
        self.counts = wide.to_numpy(float)
        self.level = np.array([levels.get(c) for c in self.codes], dtype=object)
        self.levels = levels
        months = (
            pd.to_datetime(self.events.tanggal).dt.to_period("M") if len(self.events) else pd.Series([], dtype=object)
        )
        self.event_codes = self.events.kode_wilayah.to_numpy(dtype=object)
        self.event_index = np.array([self._index(m) for m in months], dtype=int)
        self.event_months = self.events.assign(bulan=list(months))

    def _index(self, month: pd.Period) -> int:
        """The column of a month (negative or past the end when the data does not cover it)."""
        return (month - self.first).n if self.first is not None else 0

    def window(self, code: str, tanggal) -> tuple[pd.Period, pd.Period, pd.Period]:
        month = pd.Timestamp(tanggal).to_period("M")
        return month - M, month, month + M

    def _peers(self, code: str, lo: int, hi: int) -> np.ndarray:
        """Rows of the regions of ``code``'s cluster that report to the data and held no event in the
        columns ``lo`` to ``hi``."""
        busy = set(self.event_codes[(self.event_index >= lo) & (self.event_index <= hi)])
        mask = self.level == self.levels.get(code)
        for c in busy | {code}:
            if c in self.row:
                mask[self.row[c]] = False
        return mask

    def comparison(self, code: str, start: pd.Period, end: pd.Period) -> list[str]:
        """Regions of ``code``'s cluster that report to the data and held no event from ``start`` to ``end``."""
        if self.first is None:
            return []
        mask = self._peers(code, self._index(start), self._index(end))
        return [c for c, keep in zip(self.codes, mask, strict=True) if keep]

    def _row(self, code: str, lo: int, hi: int) -> np.ndarray:
        """The region's counts in columns ``lo``..``hi`` (zeros for a region with no proposal at all)."""
        if code not in self.row:
            return np.zeros(hi - lo + 1)
        return self.counts[self.row[code], lo : hi + 1]

    def months(self, code: str, start: pd.Period, end: pd.Period) -> np.ndarray:
        """The region's counts from ``start`` to ``end``, within the months the data covers."""
        lo, hi = max(0, self._index(start)), min(self.counts.shape[1] - 1, self._index(end))
        return self._row(code, lo, hi) if hi >= lo else np.zeros(0)

    def estimate(self, code: str, tanggal) -> tuple[outreach.Estimate, np.ndarray]:
        start, month, end = self.window(code, tanggal)
        if self.first is None:
            return outreach.not_estimated(outreach.NOT_YET), np.zeros(0, bool)
        if not (start >= self.first and end <= self.last):
            status = outreach.NOT_YET if end > self.last else outreach.BEFORE_DATA
            known_b = int(self.months(code, start, month - 1).sum())
            known_a = int(self.months(code, month + 1, end).sum())
            return outreach.not_estimated(status, known_b, known_a), np.zeros(0, bool)
        lo, m, hi = self._index(start), self._index(month), self._index(end)
        peers = self._peers(code, lo, hi)
        n = int(peers.sum())
        cb = self.counts[peers, lo:m].mean(axis=0) if n else np.zeros(M)
        ca = self.counts[peers, m + 1 : hi + 1].mean(axis=0) if n else np.zeros(M)
        est = outreach.difference_in_differences(self._row(code, lo, m - 1), self._row(code, m + 1, hi), cb, ca, n)
        return est, peers


@st.cache_data(show_spinner=False, max_entries=8)
def estimates(snapshot: str) -> pd.DataFrame:
    """Every event of the snapshot with its estimate (``COLUMNS``): computed over the whole country
    once per snapshot, whoever looks; pages keep the rows their viewer may see."""
    w = _Windows(Path(snapshot))
    rows = []
    for ev in w.events.itertuples():
        est, _ = w.estimate(ev.kode_wilayah, ev.tanggal)
        start, month, end = w.window(ev.kode_wilayah, ev.tanggal)
        rows.append(
            {
                "kode_wilayah": ev.kode_wilayah,
                "tingkat": ev.tingkat,
                "tanggal": pd.Timestamp(ev.tanggal).date(),
                "jenis": ev.jenis,
                "status": est.status,
                "n_before": est.n_before,
                "n_after": est.n_after,
                "region_before": est.region_before,
                "region_after": est.region_after,
                "comparison_before": est.comparison_before,
                "comparison_after": est.comparison_after,
                "n_comparison": est.n_comparison,
                "did": est.did,
                "lo": est.lo,
                "hi": est.hi,
                "dari": start.start_time.date(),
                "sampai": end.end_time.date(),
                # the region's other events in the window, whose effect the estimate cannot tell apart
                "lain": int(
                    (
                        (w.event_months.kode_wilayah == ev.kode_wilayah)
                        & (w.event_months.bulan >= start)
                        & (w.event_months.bulan <= end)
                    ).sum()
                    - 1
                ),
                # the region's own trend over the months before, drawn on: what it predicted for after
                "tren_sesudah": outreach.trend_after(w.months(ev.kode_wilayah, start, month - 1))
                if est.status == outreach.COMPUTED
                else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


@st.cache_data(show_spinner=False, max_entries=64)
def series(snapshot: str, code: str, tanggal) -> pd.DataFrame:
    """One event's months: the region's proposals and the comparison group's mean per region, with
    the phase (sebelum / kegiatan / sesudah) and the region's own trend before the event drawn on."""
    w = _Windows(Path(snapshot))
    start, month, end = w.window(code, tanggal)
    cols = pd.period_range(start, end, freq="M")
    region = np.zeros(len(cols))
    comp = np.full(len(cols), math.nan)
    if w.first is not None:
        lo, hi = w._index(start), w._index(end)
        peers = w._peers(code, lo, hi)
        for k in range(len(cols)):
            j = lo + k
            if 0 <= j < w.counts.shape[1]:
                region[k] = w._row(code, j, j)[0]
                if peers.any():
                    comp[k] = w.counts[peers, j].mean()
    phase = ["sebelum" if c < month else "kegiatan" if c == month else "sesudah" for c in cols]
    intercept, slope = outreach.trend(region[: list(cols).index(month)])
    return pd.DataFrame(
        {
            "bulan": [c.start_time.date() for c in cols],
            "fase": phase,
            "wilayah": region,
            "pembanding": comp,
            "tren": [intercept + slope * k for k in range(len(cols))],
        }
    )


def region_events(ctx: Ctx, code: str) -> pd.DataFrame:
    """The events of one region the viewer may see (none of another region's: the scope applies),
    with their estimates, newest first."""
    scope, params = scope_sql(ctx.viewer, "k.kode_wilayah")
    listed = data.read(
        f"""
        select k.kode_wilayah, w.nama, k.tanggal, k.jenis, k.penyelenggara, k.peserta, k.sasaran, k.keterangan
        from kegiatan k join wilayah w on w.kode = k.kode_wilayah
        where k.kode_wilayah = ? and {scope}
        order by k.tanggal desc, k.jenis
        """,
        [code, *params],
    )
    return _with_estimates(listed)


def visible_events(ctx: Ctx) -> pd.DataFrame:
    """Every event the viewer may see (a region's account: its own), with estimates, newest first."""
    scope, params = scope_sql(ctx.viewer, "k.kode_wilayah")
    listed = data.read(
        f"""
        select k.kode_wilayah, w.nama, k.tanggal, k.jenis, k.penyelenggara, k.peserta, k.sasaran, k.keterangan
        from kegiatan k join wilayah w on w.kode = k.kode_wilayah
        where {scope}
        order by k.tanggal desc, w.nama, k.jenis
        """,
        params,
    )
    return _with_estimates(listed)


def _with_estimates(listed: pd.DataFrame) -> pd.DataFrame:
    if listed.empty:
        return listed.assign(**{c: [] for c in COLUMNS if c not in listed.columns})
    est = estimates(str(data.snapshot()))
    listed = listed.assign(tanggal=pd.to_datetime(listed.tanggal).dt.date)
    return listed.merge(est, on=["kode_wilayah", "tanggal", "jenis"], how="left")


def by_kind() -> pd.DataFrame:
    """Per kind of event, across the country: events, computable ones, and the pooled estimate with
    its interval (``outreach.pooled``): a national aggregate every signed-in role may see."""
    from dasbor.i18n import options

    est = estimates(str(data.snapshot()))
    rows = []
    for kind in options("jenis_kegiatan"):
        part = est[est.jenis == kind]
        pool = outreach.pooled(part.did[part.status == outreach.COMPUTED])
        rows.append(
            {"jenis": kind, "kegiatan": len(part), "dihitung": pool.n, "rata": pool.mean, "lo": pool.lo, "hi": pool.hi}
        )
    return pd.DataFrame(rows)


def event_key(tanggal, jenis: str) -> str:
    """The URL's name of one of a region's events: '2017-11-22.sosialisasi'."""
    return f"{pd.Timestamp(tanggal):%Y-%m-%d}.{jenis}"
