"""The domain, declared once: stages, exits, milestones, IKM and IID bands, clusters.

Everything that knows a stage's order, group or label reads it from here: the load contract
(``etl/contract.py``), the SQL reference table ``tahap_ref`` (written from ``STAGES`` at every load),
the derived tables (``etl/sql/marts.sql`` is rendered with the stage numbers from here), the labels
of the interface (``dasbor/i18n.py``), every query and the benchmark's pandas twins. No other module
spells a stage list or a stage order number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    code: str
    order: int  # position in the flow; an exit shares the order of the point where it branches off
    group: str  # Kemendagri's reporting group (Inisiatif / Uji Coba / Penerapan) or the exit's own name
    exit: bool
    id: str
    en: str


# PP 38/2017 and the regions' reporting: a proposal is reviewed (by Balitbangda/BRIDA), judged
# feasible or not, set by the head of region's decree, tried, implemented, written into a
# Perda/Perkada (institutionalised) and evaluated. Two exits leave the flow.
STAGES: tuple[Stage, ...] = (
    Stage("usulan", 1, "Inisiatif", False, "Usulan", "Proposed"),
    Stage("kajian", 2, "Inisiatif", False, "Kajian", "Under review"),
    Stage("layak", 3, "Inisiatif", False, "Layak", "Feasible"),
    Stage("tidak_layak", 3, "Tidak layak", True, "Tidak layak", "Not feasible"),
    Stage("penetapan", 4, "Inisiatif", False, "Penetapan", "Set by decree"),
    Stage("uji_coba", 5, "Uji Coba", False, "Uji coba", "Trial"),
    Stage("penerapan", 6, "Penerapan", False, "Penerapan", "Implemented"),
    Stage("pelembagaan", 7, "Penerapan", False, "Pelembagaan", "Institutionalised"),
    Stage("evaluasi", 8, "Penerapan", False, "Evaluasi", "Evaluated"),
    Stage("dihentikan", 9, "Dihentikan", True, "Dihentikan", "Stopped"),
)
BY_CODE = {s.code: s for s in STAGES}
CODES = tuple(s.code for s in STAGES)
ORDER = {s.code: s.order for s in STAGES}
EXITS = tuple(s.code for s in STAGES if s.exit)
# The flow: non-exit stages in order, numbered 1..len(FLOW) (tahap_capai_lebar has a column per stage).
FLOW = tuple(s.code for s in sorted(STAGES, key=lambda s: s.order) if not s.exit)
LAST = FLOW[-1]
OPEN = FLOW[:-1]  # a stage an innovation can still move on from (evaluasi is where the flow ends)
GROUPS = {
    "Inisiatif": ("Inisiatif", "Initiative"),
    "Uji Coba": ("Uji Coba", "Trial"),
    "Penerapan": ("Penerapan", "Implementation"),
    "Tidak layak": ("Tidak layak", "Not feasible"),
    "Dihentikan": ("Dihentikan", "Stopped"),
}

# Milestones the figures are defined by.
DECREE = "penetapan"  # set by the head of region's decree: from here an innovation may be public
TRIAL = "uji_coba"
IMPLEMENTED = "penerapan"
INSTITUTIONALISED = "pelembagaan"
EVALUATED = "evaluasi"
NOT_FEASIBLE = "tidak_layak"  # the exit judged at review, before any decree
STOPPED = "dihentikan"  # the exit from any later stage
# Waiting on somebody's decision: a proposal before the trial (review, the feasibility judgement,
# the decree) and a decree not yet tried. A trial or an implementation lasts by design; only these
# stages can be "stuck".
DECISION = FLOW[: FLOW.index(TRIAL)]
# Running, not finished: a stage before implementation.
BEFORE_IMPLEMENTED = FLOW[: FLOW.index(IMPLEMENTED)]
# Where a comparison of regions may set its target: the decree or any later stage.
TARGETS = FLOW[FLOW.index(DECREE) :]


def order(code: str) -> int:
    """The order number of a stage code (KeyError for anything else)."""
    return BY_CODE[code].order


def flow_after(code: str) -> tuple[str, ...]:
    """Flow stages after ``code``."""
    return FLOW[FLOW.index(code) + 1 :]


def tahap_ref_rows() -> list[dict]:
    """The rows of the SQL reference table ``tahap_ref``."""
    return [
        {
            "tahap": s.code,
            "urutan": s.order,
            "kelompok": s.group,
            "keluar": s.exit,
            "label_id": s.id,
            "label_en": s.en,
        }
        for s in STAGES
    ]


def sql_values() -> dict[str, str]:
    """Names substituted into ``etl/sql/marts.sql`` (``${name}``): stage numbers and the one column
    per flow stage of ``tahap_capai_lebar``, so that SQL spells no stage order either."""
    ks = range(1, len(FLOW) + 1)
    return {
        "n_flow": str(len(FLOW)),
        **{f"urutan_{code}": str(ORDER[code]) for code in FLOW},
        "capai_min": ",\n    ".join(
            f"min(tanggal) filter (where urutan >= {k} and not keluar) as capai_{k}" for k in ks
        ),
        "capai_cols": ",\n    ".join(f"h.capai_{k}" for k in ks),
        "capai_list": ", ".join(f"h.capai_{k}" for k in ks),
    }


def reached_column(code: str) -> str:
    """The ``tahap_capai_lebar`` column holding the date a flow stage (or a later one) was reached."""
    return f"capai_{FLOW.index(code) + 1}"


# IKM (indeks kepuasan masyarakat), PermenPANRB 14/2017: (lowest, highest, grade id, grade en).
IKM_BANDS = (
    (25.0, 64.99, "D Tidak Baik", "D Poor"),
    (65.0, 76.60, "C Kurang Baik", "C Fair"),
    (76.61, 88.30, "B Baik", "B Good"),
    (88.31, 100.0, "A Sangat Baik", "A Very good"),
)

# IID predikat, Permendagri 104/2018 bands as published for 2022–2023 (scores have two decimals).
PREDIKAT_BANDS = (
    ("tidak_dapat_dinilai", 0.0, 0.0),
    ("kurang_inovatif", 0.01, 34.99),
    ("inovatif", 35.0, 60.0),
    ("sangat_inovatif", 60.01, 100.0),
)
PREDIKAT = {
    "sangat_inovatif": ("Sangat Inovatif", "Very innovative"),
    "inovatif": ("Inovatif", "Innovative"),
    "kurang_inovatif": ("Kurang Inovatif", "Less innovative"),
    "tidak_dapat_dinilai": ("Tidak Dapat Dinilai", "Cannot be assessed"),
}


def predikat_of(score: float) -> str:
    """The IID predikat of a score (0–100, rounded to two decimals as published)."""
    return next(name for name, lo, hi in PREDIKAT_BANDS if lo <= round(score, 2) <= hi)


def ikm_band(value: float) -> int | None:
    """Index into ``IKM_BANDS`` of an IKM value, or None outside 25–100."""
    v = round(value, 2)
    return next((i for i, (lo, hi, _, _) in enumerate(IKM_BANDS) if lo <= v <= hi), None)


# Peer clusters: regions are compared only with regions of the same level.
CLUSTERS = ("kabupaten", "kota", "provinsi")
