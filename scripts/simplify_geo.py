"""Simplify the shipped boundaries for the maps, reproducibly (pure Python and numpy).

    .venv/bin/python scripts/simplify_geo.py [--check]

Reads the source files in ``dasbor/reference/geo/`` (``wilayah_provinsi.geojson``, 38 provinces, and
``wilayah_kabkota.geojson``, 514 kabupaten/kota) and writes beside them:

- ``provinsi_nasional.geojson`` and ``kabkota_nasional.geojson``: the whole country, drawn on every
  rerun of a national map, so kept small (tolerance ``NATIONAL.tolerance`` degrees, coordinates rounded
  to ``NATIONAL.decimals`` places, islets under ``NATIONAL.min_area`` square degrees dropped);
- ``provinsi_rinci.geojson`` and ``kabkota_rinci.geojson``: finer, for a map zoomed to one province
  or one region and its neighbours (``DETAIL``);
- ``tetangga.json``: the neighbours of every region at each level (``dasbor.geo.compute_neighbours``,
  from the source geometry, not the simplified one).

How a ring is simplified (Douglas–Peucker, but on shared borders the same way on both sides):
1. every vertex is keyed by its exact coordinates (the source has at most 4 decimals), and each key
   knows which regions use it;
2. in each ring, a vertex where the set of regions using it changes (a border between two regions
   begins or ends, or three regions meet) is an anchor and is always kept;
3. the stretch between two anchors is simplified with Douglas–Peucker, always walked from the anchor
   with the smaller key, so a border two regions share is thinned identically in both and no gap or
   sliver opens between them (where the source's borders do not share vertices they are thinned
   separately);
4. a region keeps its largest polygon whatever its size, and every other polygon (island) or hole
   whose area is at least ``min_area``; an island kept but too small to survive the tolerance and
   the rounding is drawn as the diamond of its extreme points, so it stays visible;
5. coordinates are rounded, repeated points removed, and rings oriented as d3-geo (which plotly.js
   draws with) expects: exterior rings clockwise, holes anticlockwise. A ring the other way round is
   drawn by d3-geo as the whole globe minus the region.

``--check`` rewrites nothing and exits 1 when a shipped file differs from what the script makes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dasbor import geo  # noqa: E402


@dataclass(frozen=True)
class Level:
    name: str  # file name part
    tolerance: float  # Douglas–Peucker tolerance, degrees
    decimals: int  # coordinates rounded to this many decimal places
    min_area: float  # islands and holes smaller than this (square degrees) are dropped


# 0.02° is about 2.2 km: a third of a pixel on a map of the whole country 800 pixels wide.
NATIONAL = Level("nasional", tolerance=0.02, decimals=2, min_area=0.001)
# 0.001° is about 110 m: finer than a pixel on a map of a province the size of DI Yogyakarta.
DETAIL = Level("rinci", tolerance=0.0008, decimals=3, min_area=0.00002)
LEVELS = (NATIONAL, DETAIL)
RUN = 3  # shared vertices in a row that make a border two regions thin alike


def _key(points: np.ndarray) -> np.ndarray:
    """One int64 per vertex from its coordinates in units of 1e-4 degree (exact for the source)."""
    q = np.rint(points * 1e4).astype(np.int64)
    return (q[:, 0] + 2_000_000) * 4_000_000 + (q[:, 1] + 1_000_000)


def _rings(geometry: dict) -> list[list[np.ndarray]]:
    """Polygons as lists of rings, each an (n, 2) array without the closing point."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            a = np.asarray(ring, dtype=float)
            if len(a) > 1 and (a[0] == a[-1]).all():
                a = a[:-1]
            rings.append(a)
        out.append(rings)
    return out


def _area(ring: np.ndarray) -> float:
    """Signed planar area (square degrees); positive when anticlockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices kept of an open chain (first and last always kept)."""
    n = len(points)
    if n <= 2:
        return np.arange(n)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        a, b = points[i], points[j]
        seg = b - a
        inner = points[i + 1 : j]
        length = float(np.hypot(*seg))
        if length == 0.0:
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(seg[0] * (inner[:, 1] - a[1]) - seg[1] * (inner[:, 0] - a[0])) / length
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            m = i + 1 + k
            keep[m] = True
            stack.append((i, m))
            stack.append((m, j))
    return np.flatnonzero(keep)


class Topology:
    """Which regions use each vertex key, and a small integer per distinct set of regions."""

    def __init__(self, features: list[list[list[np.ndarray]]]):
        keys, owners = [], []
        for index, polygons in enumerate(features):
            for rings in polygons:
                for ring in rings:
                    keys.append(_key(ring))
                    owners.append(np.full(len(ring), index, dtype=np.int64))
        pairs = np.unique(np.concatenate(keys) * 1024 + np.concatenate(owners))
        key, owner = pairs // 1024, pairs % 1024
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        counts = np.diff(np.r_[starts, len(key)])
        self.signature: dict[int, int] = {}
        self.multiple: set[int] = set()
        ids: dict[tuple, int] = {}
        for s, c in zip(starts[counts > 1], counts[counts > 1], strict=True):
            members = tuple(owner[s : s + c])
            self.signature[int(key[s])] = ids.setdefault(members, len(ids))
            if c > 2:
                self.multiple.add(int(key[s]))

    def anchors(self, ring: np.ndarray) -> np.ndarray:
        """Where a shared stretch of at least ``RUN`` vertices begins or ends, and where three regions
        meet. The source's neighbouring borders share vertices only here and there (a shared vertex,
        then one of each side's own): such scattered shared vertices are not anchors."""
        keys = _key(ring)
        sig = np.array([self.signature.get(int(k), -1) for k in keys])
        n = len(sig)
        start = np.flatnonzero(sig != np.roll(sig, 1))
        if len(start) == 0:  # the whole ring is one stretch
            return np.array([], dtype=int)
        length = np.diff(np.r_[start, start[0] + n])
        stretch = np.full(n, -1)
        for s, length_ in zip(start, length, strict=True):
            if sig[s] != -1 and length_ >= RUN:
                stretch[np.arange(s, s + length_) % n] = sig[s]
        change = (stretch != np.roll(stretch, 1)) | (stretch != np.roll(stretch, -1))
        triple = np.array([int(k) in self.multiple for k in keys], dtype=bool)
        return np.flatnonzero((change & (stretch != -1)) | triple)


def _simplify_ring(ring: np.ndarray, anchors: np.ndarray, tolerance: float) -> np.ndarray:
    n = len(ring)
    if len(anchors) == 0:  # an island of its own: anchor its first point and the point furthest from it
        far = int(np.argmax(np.hypot(*(ring - ring[0]).T)))
        anchors = np.array(sorted({0, far}))
    keys = _key(ring)
    kept: list[int] = []
    for a, b in zip(anchors, np.r_[anchors[1:], anchors[0] + n], strict=True):
        index = np.arange(a, b + 1) % n
        chain = ring[index]
        if keys[index[0]] > keys[index[-1]]:  # always walk a border from the same end
            picked = len(chain) - 1 - _douglas_peucker(chain[::-1], tolerance)[::-1]
        else:
            picked = _douglas_peucker(chain, tolerance)
        kept.extend(int(index[p]) for p in picked[:-1])
    return ring[kept]


def _round_ring(ring: np.ndarray, decimals: int) -> np.ndarray:
    r = np.round(ring, decimals)
    same = np.all(r == np.roll(r, 1, axis=0), axis=1)
    return r[~same] if (~same).any() else r[:1]


def _diamond(ring: np.ndarray, decimals: int) -> np.ndarray:
    """The extreme points of a small island (west, north, east, south), at least one rounding unit apart."""
    unit = 10.0**-decimals
    picks = ring[[np.argmin(ring[:, 0]), np.argmax(ring[:, 1]), np.argmax(ring[:, 0]), np.argmin(ring[:, 1])]]
    r = _round_ring(picks, decimals)
    if len(r) >= 3 and abs(_area(r)) > 0:
        return r
    cx, cy = np.round(ring.mean(axis=0), decimals)
    return np.array([[cx - unit, cy], [cx, cy + unit], [cx + unit, cy], [cx, cy - unit]])


def _oriented(ring: np.ndarray, exterior: bool) -> list[list[float]]:
    """Closed ring as lists; exterior clockwise, hole anticlockwise (d3-geo's winding)."""
    if (_area(ring) > 0) == exterior:
        ring = ring[::-1]
    closed = np.vstack([ring, ring[:1]])
    return [[float(x), float(y)] for x, y in closed]


def simplify(collection: dict, level: Level) -> tuple[dict, dict]:
    """The simplified collection and a few numbers about what was done."""
    features = collection["features"]
    parsed = [_rings(f["geometry"]) for f in features]
    topo = Topology(parsed)
    out, before, after, parts_before, parts_after, diamonds = [], 0, 0, 0, 0, 0
    worst = (0.0, "")
    for feature, polygons in zip(features, parsed, strict=True):
        areas = [abs(_area(rings[0])) - sum(abs(_area(h)) for h in rings[1:]) for rings in polygons]
        largest = int(np.argmax(areas))
        total, kept_area = sum(areas), 0.0
        shapes = []
        for i, rings in enumerate(polygons):
            parts_before += 1
            before += sum(len(r) for r in rings)
            if i != largest and areas[i] < level.min_area:
                continue
            exterior = _round_ring(_simplify_ring(rings[0], topo.anchors(rings[0]), level.tolerance), level.decimals)
            if len(exterior) < 3 or abs(_area(exterior)) == 0:
                exterior = _diamond(rings[0], level.decimals)
                diamonds += 1
            shape = [_oriented(exterior, True)]
            for hole in rings[1:]:
                if abs(_area(hole)) < level.min_area:
                    continue
                h = _round_ring(_simplify_ring(hole, topo.anchors(hole), level.tolerance), level.decimals)
                if len(h) >= 3 and abs(_area(h)) > 0:
                    shape.append(_oriented(h, False))
            shapes.append(shape)
            kept_area += areas[i]
            parts_after += 1
            after += sum(len(r) - 1 for r in shape)
        lost = 1 - kept_area / total if total else 0.0
        if lost > worst[0]:
            worst = (lost, feature["properties"]["kode"])
        geometry = (
            {"type": "Polygon", "coordinates": shapes[0]}
            if len(shapes) == 1
            else {"type": "MultiPolygon", "coordinates": shapes}
        )
        props = feature["properties"]
        out.append(
            {"type": "Feature", "properties": {"kode": props["kode"], "nama": props["nama"]}, "geometry": geometry}
        )
    out.sort(key=lambda f: f["properties"]["kode"])
    stats = {
        "vertices": (before, after),
        "parts": (parts_before, parts_after),
        "diamonds": diamonds,
        "largest_area_dropped": worst,
    }
    return {"type": "FeatureCollection", "features": out}, stats


def dumps(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def build() -> dict[str, tuple[str, dict | None]]:
    """File name → (text, stats) of every file this script makes."""
    made: dict[str, tuple[str, dict | None]] = {}
    sources = {level: json.loads(geo.source_path(level).read_text(encoding="utf-8")) for level in geo.LEVELS}
    for lv in LEVELS:
        for level, collection in sources.items():
            simplified, stats = simplify(collection, lv)
            made[f"{level}_{lv.name}.geojson"] = (dumps(simplified), stats)
    neighbours = {level: geo.compute_neighbours(collection) for level, collection in sources.items()}
    made[geo.NEIGHBOURS_FILE] = (json.dumps(neighbours, ensure_ascii=False, indent=0, sort_keys=True) + "\n", None)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare with the shipped files")
    args = parser.parse_args(argv)
    differ = []
    for name, (text, stats) in build().items():
        path = geo.GEO_DIR / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                differ.append(name)
            continue
        path.write_text(text, encoding="utf-8")
        line = f"{name}: {len(text.encode()):,} bytes"
        if stats:
            (v0, v1), (p0, p1) = stats["vertices"], stats["parts"]
            lost, code = stats["largest_area_dropped"]
            line += (
                f"; vertices {v0:,} -> {v1:,}; polygons {p0:,} -> {p1:,}; "
                f"{stats['diamonds']} islands kept as diamonds; largest area dropped {lost:.2%} ({code})"
            )
        print(line)
    if differ:
        print("differs from what scripts/simplify_geo.py makes: " + ", ".join(differ), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
