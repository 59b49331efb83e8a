"""Boundaries of the 38 provinces and 514 kabupaten/kota, shipped with the product (no network).

The files are in ``dasbor/reference/geo/`` (source and licence in its ``SOURCES.md``): the source
GeoJSON, the simplified copies the maps draw (``scripts/simplify_geo.py`` makes them), and each
region's neighbours. Every feature has the properties ``kode`` (Kemendagri code, ``PP`` or ``PP.KK``)
and ``nama``. Files are read once per process.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

GEO_DIR = Path(__file__).resolve().parent / "reference" / "geo"
LEVELS = ("provinsi", "kabkota")
DETAILS = ("nasional", "rinci")  # the whole country (small) or finer, for a zoomed map
NEIGHBOURS_FILE = "tetangga.json"
# Two regions are neighbours when their boundaries come within NEAR degrees (about 330 m) of each
# other at three vertices or more: a border, not a point touched. The source leaves gaps of up to a few
# hundred metres between some neighbours (Kabupaten Pinrang and Kota Parepare: 180 m).
NEAR = 0.003


def level_of(code: str) -> str:
    """'provinsi' for a province code ``PP``, 'kabkota' for ``PP.KK``."""
    return "kabkota" if "." in code else "provinsi"


def source_path(level: str) -> Path:
    return GEO_DIR / f"wilayah_{'provinsi' if level == 'provinsi' else 'kabkota'}.geojson"


def path(level: str, detail: str = "nasional") -> Path:
    if level not in LEVELS or detail not in DETAILS:
        raise ValueError(f"no boundary file for level {level!r}, detail {detail!r}")
    return GEO_DIR / f"{level}_{detail}.geojson"


@cache
def _collection(level: str, detail: str) -> dict:
    return json.loads(path(level, detail).read_text(encoding="utf-8"))


@cache
def _by_code(level: str, detail: str) -> dict[str, dict]:
    return {f["properties"]["kode"]: f for f in _collection(level, detail)["features"]}


def codes(level: str) -> tuple[str, ...]:
    """Every region code drawn at ``level``, sorted."""
    return tuple(sorted(_by_code(level, "nasional")))


def names(level: str) -> dict[str, str]:
    return {k: f["properties"]["nama"] for k, f in _by_code(level, "nasional").items()}


def feature(code: str, detail: str = "nasional") -> dict | None:
    return _by_code(level_of(code), detail).get(code)


def collection(codes_: list[str] | tuple[str, ...], level: str, detail: str = "nasional") -> dict:
    """A FeatureCollection of the regions ``codes_`` (those without a boundary are left out), holding
    only ``kode``: the map's hover text comes from the figure, so names are not sent twice."""
    found = _by_code(level, detail)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"kode": c}, "geometry": found[c]["geometry"]}
            for c in codes_
            if c in found
        ],
    }


def _vertices(geometry: dict) -> np.ndarray:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return np.asarray([p for polygon in polygons for ring in polygon for p in ring], dtype=float)


@cache
def centre(code: str) -> tuple[float, float] | None:
    """A point for a label: the centroid of the region's largest polygon (lon, lat)."""
    f = feature(code)
    if f is None:
        return None
    g = f["geometry"]
    polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]

    def area_centroid(ring) -> tuple[float, float, float]:
        a = np.asarray(ring, dtype=float)
        x, y, x1, y1 = a[:-1, 0], a[:-1, 1], a[1:, 0], a[1:, 1]
        cross = x * y1 - x1 * y
        area = cross.sum() / 2
        if area == 0:
            return 0.0, float(x.mean()), float(y.mean())
        return abs(area), float(((x + x1) * cross).sum() / (6 * area)), float(((y + y1) * cross).sum() / (6 * area))

    _, cx, cy = max((area_centroid(p[0]) for p in polygons), key=lambda t: t[0])
    return cx, cy


@cache
def _box(code: str) -> tuple[float, float, float, float] | None:
    f = feature(code)
    if f is None:
        return None
    a = _vertices(f["geometry"])
    return float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 0].max()), float(a[:, 1].max())


def bounds(codes_) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around the regions ``codes_``."""
    boxes = [b for c in codes_ if (b := _box(c)) is not None]
    if not boxes:
        return None
    a = np.asarray(boxes)
    return float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 2].max()), float(a[:, 3].max())


def _segments(geometry: dict) -> np.ndarray:
    """Every edge of every ring as (x0, y0, x1, y1)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    rings = [np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon]
    return np.vstack([np.hstack([r[:-1], r[1:]]) for r in rings if len(r) > 1])


def _near_count(points: np.ndarray, segments: np.ndarray, near: float) -> int:
    """How many ``points`` lie within ``near`` of any of ``segments`` (those within reach only)."""
    lo, hi = points.min(axis=0) - near, points.max(axis=0) + near
    reach = (np.minimum(segments[:, 0], segments[:, 2]) <= hi[0]) & (
        np.maximum(segments[:, 0], segments[:, 2]) >= lo[0]
    )
    reach &= (np.minimum(segments[:, 1], segments[:, 3]) <= hi[1]) & (
        np.maximum(segments[:, 1], segments[:, 3]) >= lo[1]
    )
    s = segments[reach]
    if len(s) == 0:
        return 0
    a, ab = s[:, :2], s[:, 2:] - s[:, :2]
    length = np.maximum((ab**2).sum(axis=1), 1e-18)
    count = 0
    for chunk in np.array_split(points, max(1, len(points) // 2000 + 1)):
        t = np.clip(((chunk[:, None, :] - a[None]) * ab[None]).sum(-1) / length[None], 0, 1)
        gap = np.sqrt(((chunk[:, None, :] - (a[None] + t[..., None] * ab[None])) ** 2).sum(-1)).min(axis=1)
        count += int((gap <= near).sum())
    return count


def compute_neighbours(collection_: dict, near: float = NEAR) -> dict[str, list[str]]:
    """Each feature's neighbours: features whose boundaries come within ``near`` degrees of each other at
    three vertices or more (a vertex of one within ``near`` of an edge of the other). The source's
    neighbouring boundaries share vertices only in part, overlap slightly in places and leave gaps
    of up to a few hundred metres in others, so nearness rather than identical vertices decides."""
    codes_ = [f["properties"]["kode"] for f in collection_["features"]]
    points = [_vertices(f["geometry"]) for f in collection_["features"]]
    segments = [_segments(f["geometry"]) for f in collection_["features"]]
    boxes = np.array([[*p.min(axis=0), *p.max(axis=0)] for p in points])
    out: dict[str, set[str]] = {c: set() for c in codes_}
    for i in range(len(codes_)):
        overlap = (
            (boxes[:, 0] <= boxes[i, 2] + near)
            & (boxes[:, 2] >= boxes[i, 0] - near)
            & (boxes[:, 1] <= boxes[i, 3] + near)
            & (boxes[:, 3] >= boxes[i, 1] - near)
        )
        for j in np.flatnonzero(overlap):
            if j <= i:
                continue
            lo = np.maximum(boxes[i, :2], boxes[j, :2]) - near  # where both boxes meet
            hi = np.minimum(boxes[i, 2:], boxes[j, 2:]) + near
            a = points[i][((points[i] >= lo) & (points[i] <= hi)).all(axis=1)]
            b = points[j][((points[j] >= lo) & (points[j] <= hi)).all(axis=1)]
            found = (_near_count(a, segments[j], near) if len(a) else 0) + (
                _near_count(b, segments[i], near) if len(b) else 0
            )
            if found >= 3:
                out[codes_[i]].add(codes_[j])
                out[codes_[j]].add(codes_[i])
    return {c: sorted(v) for c, v in sorted(out.items())}


@cache
def _neighbours() -> dict[str, dict[str, list[str]]]:
    return json.loads((GEO_DIR / NEIGHBOURS_FILE).read_text(encoding="utf-8"))


def neighbours(code: str) -> tuple[str, ...]:
    """The regions of the same level whose boundary meets ``code``'s (provinces for a province,
    kabupaten/kota for a kabupaten/kota, across provincial borders too); () for an island region."""
    return tuple(_neighbours()[level_of(code)].get(code, ()))
