"""Kelola Data: the load history and the rows each load rejected.

The load log is not narrowed to regions (it is the administrator's record of every load), so
instead of ``Filters.where`` each function takes the page's context and serves an admin only.
Every value is a bound parameter."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd

from dasbor import data
from dasbor.frame import Ctx

if TYPE_CHECKING:  # the loader's report, handed over by the page; dasbor itself never imports etl
    from etl.load import Report


def _admin_only(ctx: Ctx) -> None:
    if ctx.viewer.role != "admin":
        raise PermissionError("riwayat muatan hanya untuk admin / the load history is for admins only")


def history(ctx: Ctx) -> pd.DataFrame:
    """Every load, newest first: ``id``, ``waktu`` (UTC), ``pengguna``, ``berkas`` (file names joined),
    ``dimuat`` (rows accepted), ``ditulis`` (of them, the rows new or changed, which the load inserted
    or replaced: none for a re-upload) and ``ditolak`` (rows rejected)."""
    _admin_only(ctx)
    raw = data.read("select id, waktu, pengguna, berkas, tabel, ditolak from muatan order by id desc")
    waktu = pd.to_datetime(raw.waktu)
    # DuckDB hands timestamptz over in the session's time zone; the page shows UTC.
    waktu = waktu.dt.tz_convert("UTC") if waktu.dt.tz is not None else waktu.dt.tz_localize("UTC")
    return pd.DataFrame(
        {
            "id": raw.id.astype("int64"),
            "waktu": waktu,
            "pengguna": raw.pengguna,
            "berkas": [", ".join(f["name"] for f in json.loads(b)) for b in raw.berkas],
            "dimuat": [sum(int(v["loaded"]) for v in json.loads(x).values()) for x in raw.tabel],
            "ditulis": [sum(int(v.get("changed", 0)) for v in json.loads(x).values()) for x in raw.tabel],
            "ditolak": raw.ditolak.astype("int64"),
        }
    )


def rejected(ctx: Ctx, load_id: int) -> pd.DataFrame:
    """The rows load ``load_id`` rejected, each cell with its reason in Indonesian and English."""
    _admin_only(ctx)
    return data.read(
        "select berkas, lembar, baris, kolom, nilai, alasan, alasan_en from baris_ditolak where muatan_id = ? "
        "order by berkas, lembar, baris, kolom",
        [int(load_id)],
    )


# A report's counts per table, in the order the page shows them: the check's (what loading would do
# against the current data, etl.load.compare) or the load's (rows it wrote).
COUNTS = ("read", "loaded", "rejected", "new", "changed", "unchanged", "repeated", "written")


def counts(report: Report) -> pd.DataFrame:
    """One row per table of ``report`` with ``tabel`` and the counts of ``COUNTS`` that apply: a check
    has ``new``, ``changed``, ``unchanged`` (and ``repeated`` when a key repeats in the files), a load
    ``written`` (the files' rows it inserted or replaced; a re-upload writes none)."""
    rows = []
    for name, v in report.tables.items():
        if report.written and not v["read"]:
            continue  # tahapan holding only the stages derived from inovasi (``derived``), no file's rows
        row = {"tabel": name, "read": v["read"], "loaded": v["loaded"], "rejected": v["rejected"]}
        if report.written:
            row["written"] = v.get("changed", 0)
        elif name in report.compared:
            row.update(report.compared[name])
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["tabel", *COUNTS])
    if not frame.repeated.fillna(0).any():
        frame = frame.drop(columns="repeated")
    frame = frame.dropna(axis="columns", how="all")
    return frame.astype({c: "int64" for c in COUNTS if c in frame.columns})


def derived(report: Report) -> int:
    """Stage rows a load derived from ``inovasi.tahap_terkini`` and its dates, and wrote (new or changed)."""
    return sum(int(v.get("derived", 0)) for v in report.tables.values())


def totals(report: Report) -> dict[str, int]:
    """The check's valid rows and what loading them would do, summed over the tables: ``loaded``,
    ``new``, ``changed``, ``unchanged``, ``repeated``."""
    out = {"loaded": sum(int(v["loaded"]) for v in report.tables.values())}
    for k in ("new", "changed", "unchanged", "repeated"):
        out[k] = sum(int(v[k]) for v in report.compared.values())
    return out
