"""Kelola Data: the load history and the rows each load rejected.

The load log is not narrowed to regions (it is the administrator's record of every load), so
instead of ``Filters.where`` each function takes the page's context and serves an admin only.
Every value is a bound parameter."""

from __future__ import annotations

import json

import pandas as pd

from dasbor import data
from dasbor.frame import Ctx


def _admin_only(ctx: Ctx) -> None:
    if ctx.viewer.role != "admin":
        raise PermissionError("riwayat muatan hanya untuk admin / the load history is for admins only")


def history(ctx: Ctx) -> pd.DataFrame:
    """Every load, newest first: ``id``, ``waktu`` (UTC), ``pengguna``, ``berkas`` (file names joined),
    ``dimuat`` (rows accepted) and ``ditolak`` (rows rejected)."""
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
