"""What an analyst would write in plain pandas for each page's main figures, from the CSVs.

These are the baselines the pages are compared with: same figures, no DuckDB, no precomputed tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dasbor import domain

ORDER = domain.ORDER
EXITS = domain.EXITS
IMPLEMENTED = domain.order(domain.IMPLEMENTED)
DECREE = domain.order(domain.DECREE)


def load(folder) -> dict[str, pd.DataFrame]:
    """The sample CSVs parsed as an analyst would: semicolons, day-first dates, Rupiah stripped."""

    def dates(s):
        return pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")

    inovasi = pd.read_csv(folder / "inovasi.csv", sep=";", dtype=str, keep_default_na=False)
    inovasi["tanggal_usulan"] = dates(inovasi.tanggal_usulan)
    tahapan = pd.read_csv(folder / "tahapan.csv", sep=";", dtype=str, keep_default_na=False)
    tahapan["tanggal"] = dates(tahapan.tanggal)
    evaluasi = pd.read_csv(folder / "evaluasi.csv", sep=";", dtype=str, keep_default_na=False)
    evaluasi["tanggal_evaluasi"] = dates(evaluasi.tanggal_evaluasi)
    for col in ("ikm_sebelum", "ikm_sesudah", "waktu_layanan_sebelum", "waktu_layanan_sesudah", "penerima_manfaat"):
        evaluasi[col] = pd.to_numeric(evaluasi[col].str.replace(".", "").str.replace(",", "."), errors="coerce")
    for col in ("biaya_sebelum", "biaya_sesudah"):
        cleaned = evaluasi[col].str.replace(r"^Rp\.?\s*|\.|,-$", "", regex=True).str.replace(",", ".")
        evaluasi[col] = pd.to_numeric(cleaned, errors="coerce")
    return {"inovasi": inovasi, "tahapan": tahapan, "evaluasi": evaluasi}


def _current(d) -> pd.DataFrame:
    t = d["tahapan"].assign(urutan=d["tahapan"].tahap.map(ORDER))
    last = t.sort_values(["kode_inovasi", "tanggal", "urutan"]).groupby("kode_inovasi").tail(1)
    reached = t[~t.tahap.isin(EXITS)].groupby("kode_inovasi").urutan.max().rename("urutan_maks")
    return (
        d["inovasi"]
        .merge(last[["kode_inovasi", "tahap", "tanggal"]], on="kode_inovasi", how="left")
        .merge(reached, on="kode_inovasi", how="left")
    )


def ringkasan(d) -> dict:
    cur = _current(d)
    t = d["tahapan"]
    per_year = {
        "usulan": d["inovasi"].tanggal_usulan.dt.year.value_counts(),
        "ditetapkan": t[t.tahap == domain.DECREE].tanggal.dt.year.value_counts(),
        "diterapkan": t[t.tahap == domain.IMPLEMENTED].tanggal.dt.year.value_counts(),
    }
    mixes = {c: cur[c].value_counts() for c in ("tahap", "inisiator", "bentuk", "jenis")}
    agencies = cur.groupby("perangkat_daerah").agg(
        usulan=("kode_inovasi", "size"), diterapkan=("urutan_maks", lambda s: (s >= IMPLEMENTED).sum())
    )
    return {"per_year": per_year, "mixes": mixes, "agencies": agencies.nlargest(10, "usulan")}


def wilayah(d) -> pd.DataFrame:
    cur = _current(d)
    g = cur.groupby("kode_wilayah").agg(
        n=("kode_inovasi", "size"), k=("urutan_maks", lambda s: (s >= IMPLEMENTED).sum())
    )
    theta = g.k.sum() / g.n.sum()
    z = 1.959964
    p = g.k / g.n
    centre = (p + z * z / (2 * g.n)) / (1 + z * z / g.n)
    half = z * np.sqrt(p * (1 - p) / g.n + z * z / (4 * g.n**2)) / (1 + z * z / g.n)
    return g.assign(lo=centre - half, hi=centre + half, theta=theta)


def alur(d) -> dict:
    t = d["tahapan"].assign(urutan=d["tahapan"].tahap.map(ORDER)).sort_values(["kode_inovasi", "tanggal", "urutan"])
    t["berikut"] = t.groupby("kode_inovasi").tanggal.shift(-1)
    t["hari"] = (t.berikut - t.tanggal).dt.days
    moves = t.dropna(subset=["hari"])
    waits = moves.groupby("tahap").hari.quantile([0.5, 0.85]).unstack()
    # what is stuck: innovations waiting on a decision past that stage's 85th percentile
    cur = _current(d)
    today = pd.Timestamp.today().normalize()
    cur["menunggu"] = (today - cur.tanggal).dt.days
    deciding = cur[cur.tahap.isin(domain.DECISION)]
    stuck = deciding[deciding.menunggu > deciding.tahap.map(waits[0.85])].sort_values("menunggu", ascending=False)
    slowest = waits[0.5].reindex(domain.DECISION).idxmax()
    by_agency = (
        moves[moves.tahap == slowest]
        .merge(d["inovasi"][["kode_inovasi", "perangkat_daerah"]], on="kode_inovasi")
        .groupby("perangkat_daerah")
        .hari.quantile([0.5, 0.85])
        .unstack()
    )
    # funnel: reached each stage (a skipped stage counts as passed), exits by the stage they left from
    reach = {stage: int((cur.urutan_maks >= n).sum()) for stage, n in ORDER.items() if stage not in EXITS}
    exits = t[t.tahap.isin(EXITS)].merge(cur[["kode_inovasi", "urutan_maks"]], on="kode_inovasi")
    exits = exits.groupby(["tahap", "urutan_maks"]).size()
    # date each stage or a later one was reached, then cumulative flow per month and cycle times
    dated = t[~t.tahap.isin(EXITS)].sort_values(["kode_inovasi", "urutan"], ascending=[True, False])
    dated["capai"] = dated.groupby("kode_inovasi").tanggal.cummin()
    capai = dated.pivot_table(index="kode_inovasi", columns="tahap", values="capai", aggfunc="min")
    months = capai.apply(lambda c: c.dt.to_period("M").value_counts().sort_index().cumsum())
    start, end = capai[domain.FLOW[0]], capai[domain.IMPLEMENTED]
    cycle = ((end - start).dt.days + 1).dropna()
    marks = cycle.quantile([0.5, 0.7, 0.85, 0.95], interpolation="higher")
    wip = cur[
        start.reindex(cur.kode_inovasi).notna().to_numpy() & (cur.urutan_maks < IMPLEMENTED) & ~cur.tahap.isin(EXITS)
    ]
    age = (today - start.reindex(wip.kode_inovasi)).dt.days + 1
    bands = np.searchsorted(marks.to_numpy(), age.to_numpy(), side="left")
    throughput = end.dt.to_period("M").value_counts().sort_index()
    return {
        "waits": waits,
        "stuck": stuck.head(200),
        "by_agency": by_agency,
        "funnel": (reach, exits),
        "cfd": months,
        "cycle": marks,
        "wip": np.bincount(bands, minlength=5),
        "throughput": throughput,
    }


def _paired(e, before, after, by=None):
    rows = e.dropna(subset=[before, after])
    change = (rows[after] - rows[before]).groupby(rows[by] if by else np.zeros(len(rows)))
    return change.agg(["size", "median", lambda c: c.quantile(0.025), lambda c: c.quantile(0.975)])


def dampak(d) -> dict:
    e = d["evaluasi"].sort_values("tanggal_evaluasi").groupby("kode_inovasi").tail(1)
    e = e.merge(d["inovasi"][["kode_inovasi", "urusan", "nama_inovasi"]], on="kode_inovasi")
    shares = pd.crosstab(e.urusan, e.hasil, normalize="index")
    ikm = _paired(e, "ikm_sebelum", "ikm_sesudah")
    time = _paired(e, "waktu_layanan_sebelum", "waktu_layanan_sesudah", "satuan_waktu")
    cost = _paired(e[e.biaya_sebelum > 0], "biaya_sebelum", "biaya_sesudah")
    served = e.penerima_manfaat.agg(["sum", "median", "count"])
    # survival after implementation: days to being stopped, or to today while still running
    t = d["tahapan"]
    start = t[t.tahap == domain.IMPLEMENTED].set_index("kode_inovasi").tanggal
    stop = t[t.tahap == domain.STOPPED].set_index("kode_inovasi").tanggal.reindex(start.index)
    stopped = stop.notna() & (stop >= start)
    days = (stop.where(stopped, pd.Timestamp.today().normalize()) - start).dt.days
    events = days[stopped].value_counts().sort_index()
    at_risk = days.size - np.searchsorted(np.sort(days.to_numpy()), events.index.to_numpy(), side="left")
    curve = np.cumprod(1 - events.to_numpy() / at_risk)
    return {"shares": shares, "ikm": ikm, "time": time, "cost": cost, "served": served, "survival": curve}


def katalog(d) -> pd.DataFrame:
    cur = _current(d)  # the page's default view: the newest 1,000 of everything, with age in stage
    cur["hari_di_tahap"] = (pd.Timestamp.today().normalize() - cur.tanggal).dt.days
    return cur.sort_values("tanggal_usulan", ascending=False).head(1000)


def transparansi(d) -> pd.DataFrame:
    cur = _current(d)
    public = cur[(cur.publikasi == "ya") & (cur.urutan_maks >= DECREE)]
    return public.groupby("tahap").size()


TWINS = {
    "ringkasan": ringkasan,
    "wilayah": wilayah,
    "alur": alur,
    "dampak": dampak,
    "katalog": katalog,
    "transparansi": transparansi,
}
