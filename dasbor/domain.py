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


# Competitions: the ordered rounds of each, the scale ``penghargaan.capaian`` is read on. An entry
# (one region's, or one innovation's, in one competition, year and category) reaches a round; rank 1
# is taking part, each higher rank a round passed. Several codes share a rank where the round's name
# changed with the year's rules (KIPP's last national round was a Top 9, 25, 35, 40 or 45), as the
# exits share a stage's order above. ``aliases`` are further spellings read as the code (the code
# itself and both labels are always accepted, compared by ``dasbor.reference.norm_key``).
@dataclass(frozen=True)
class Round:
    code: str
    rank: int
    id: str
    en: str
    aliases: tuple[str, ...] = ()


ENTERED = "peserta"  # rank 1 of every scale: took part, passed no round (yet)
_ENTERED = Round(ENTERED, 1, "Peserta", "Entrant", ("pendaftar", "participant", "entrant", "ikut"))
COMPETITIONS: dict[str, tuple[Round, ...]] = {
    # KIPP, Kompetisi Inovasi Pelayanan Publik (KemenPANRB), since 2014: proposals → Top 99 → the
    # year's final Top N (presentation to the independent panel) → nominated by KemenPANRB for the UN
    # Public Service Awards → UNPSA winner.
    "KIPP": (
        _ENTERED,
        Round("top_99", 2, "Top 99", "Top 99"),
        Round("top_9", 3, "Top 9", "Top 9"),
        Round("top_25", 3, "Top 25", "Top 25"),
        Round("top_35", 3, "Top 35", "Top 35"),
        Round("top_40", 3, "Top 40", "Top 40"),
        Round("top_45", 3, "Top 45", "Top 45"),
        Round("nominee_unpsa", 4, "Nominasi UNPSA", "UNPSA nominee", ("nominasi unpsa", "unpsa nominee")),
        Round("pemenang_unpsa", 5, "Pemenang UNPSA", "UNPSA winner", ("unpsa winner", "juara unpsa")),
    ),
    # IGA, Innovative Government Award (Kemendagri, BSKDN): every region reporting to the IID takes
    # part; nominees present to the jury; the terinovatif are chosen per cluster (kategori).
    "IGA": (
        _ENTERED,
        Round("nominasi", 2, "Nominasi", "Nominee", ("nominee", "nominator", "nominasi iga")),
        Round("terinovatif", 3, "Terinovatif", "Most innovative", ("ter inovatif", "most innovative", "pemenang iga")),
    ),
    # Inagara (LAN): entries, nominees, winners.
    "Inagara": (
        _ENTERED,
        Round("nominasi", 2, "Nominasi", "Nominee", ("nominee", "finalis")),
        Round("pemenang", 3, "Pemenang", "Winner", ("winner", "penerima", "penerima inagara", "terbaik")),
    ),
    # UNPSA entered directly (not through KIPP).
    "UNPSA": (
        _ENTERED,
        Round("finalis", 2, "Finalis", "Finalist", ("finalist", "nominee", "nominasi")),
        Round("pemenang", 3, "Pemenang", "Winner", ("winner", "juara")),
    ),
}


def rounds(ajang: str) -> tuple[Round, ...]:
    """The rounds of a competition, in order (empty for one with no declared scale, like 'lainnya')."""
    return COMPETITIONS.get(ajang, ())


def rank_names(ajang: str, lang: str = "id") -> dict[int, str]:
    """Rank → the round's name ('Top 9/25/35/40/45' where the name changed with the year)."""
    out: dict[int, list[str]] = {}
    for r in rounds(ajang):
        out.setdefault(r.rank, []).append(r.id if lang == "id" else r.en)
    return {
        rank: names[0] if len(names) == 1 else "Top " + "/".join(n.split()[-1] for n in names)
        for rank, names in out.items()
    }


def capaian_ref_rows() -> list[dict]:
    """The rows of the SQL reference table ``capaian_ref`` (every round of every scale)."""
    return [
        {"ajang": a, "capaian": r.code, "peringkat": r.rank, "label_id": r.id, "label_en": r.en}
        for a, scale in COMPETITIONS.items()
        for r in scale
    ]


@dataclass(frozen=True)
class RoundSize:
    ajang: str
    tahun: int
    capaian: str  # the round: its size is how many entries reached it nationally that year
    size: int
    source: str


# Known historic sizes, with where each comes from; any other year and round is unknown (not zero).
# KIPP's entrants include ministries, agencies and state enterprises, not only regions. The final
# round of each year: Top 9/2014, Top 25/2015, Top 35/2016, Top 40/2017, Top 40/2018, Top 45/2019 and
# Top 45/2020 per the KIPP 2021 rules as KemenPANRB summarised them; a KemenPANRB article of
# 12/10/2015 calls Pinrang "a TOP 25 winner of 2014", which that list does not bear out (both kept).
_KIPP_RULES_2021 = "menpan.go.id, 'Cermati Persyaratan dan Kriteria Inovasi KIPP 2021' (17/03/2021)"
_KIPP_ENTRANTS = "bisnis.com, 'Jumlah Inovasi KIPP 2018 Menurun 7,5%' (02/04/2018), citing KemenPANRB"
ROUND_SIZES: tuple[RoundSize, ...] = (
    RoundSize("KIPP", 2014, ENTERED, 515, _KIPP_ENTRANTS),
    RoundSize("KIPP", 2015, ENTERED, 1189, _KIPP_ENTRANTS),
    RoundSize("KIPP", 2016, ENTERED, 2476, _KIPP_ENTRANTS),
    RoundSize("KIPP", 2017, ENTERED, 3054, _KIPP_ENTRANTS),
    RoundSize("KIPP", 2018, ENTERED, 2824, _KIPP_ENTRANTS),
    RoundSize(
        "KIPP",
        2019,
        ENTERED,
        3156,
        "menpan.go.id, 'Meningkat dari Tahun Lalu, Lebih dari 3.000 Inovasi Ikuti KIPP 2019'",
    ),
    RoundSize(
        "KIPP", 2022, ENTERED, 2454, "menpan.go.id, '1.917 Proposal KIPP 2022 Lolos Seleksi Administrasi' (28/04/2022)"
    ),
    RoundSize("KIPP", 2023, ENTERED, 3110, "heaptalk.com on the JIPPNas launch, citing KemenPANRB (2023)"),
    *(RoundSize("KIPP", y, "top_99", 99, _KIPP_RULES_2021) for y in range(2014, 2021)),
    RoundSize("KIPP", 2014, "top_9", 9, _KIPP_RULES_2021),
    RoundSize("KIPP", 2015, "top_25", 25, _KIPP_RULES_2021),
    RoundSize("KIPP", 2016, "top_35", 35, _KIPP_RULES_2021),
    RoundSize("KIPP", 2017, "top_40", 40, _KIPP_RULES_2021),
    RoundSize("KIPP", 2018, "top_40", 40, _KIPP_RULES_2021),
    RoundSize("KIPP", 2019, "top_45", 45, _KIPP_RULES_2021),
    RoundSize("KIPP", 2020, "top_45", 45, _KIPP_RULES_2021),
    RoundSize(
        "KIPP",
        2021,
        "top_99",
        99,
        "suarakarya.co.id, 'Kementerian PANRB Umumkan Top Inovasi Pelayanan Publik Terpuji 2021'",
    ),
    RoundSize(
        "KIPP",
        2021,
        "top_45",
        45,
        "suarakarya.co.id, 'Kementerian PANRB Umumkan Top Inovasi Pelayanan Publik Terpuji 2021'",
    ),
    RoundSize("KIPP", 2023, "top_45", 45, "heaptalk.com on the JIPPNas launch, citing KemenPANRB (2023)"),
    # IGA: 39 nominees in 2021 (7 provinsi, 12 kabupaten, 12 kota, 5 perbatasan, 3 tertinggal) and 39
    # terinovatif in 2022 in the same five clusters.
    RoundSize(
        "IGA", 2021, "nominasi", 39, "mdnnews.id, 'Berikut 39 Daerah Masuk Nominator Innovative Government Award 2021'"
    ),
    RoundSize("IGA", 2022, "terinovatif", 39, "smartcity.ui.ac.id and jurnal3.net on IGA 2022 (23/12/2022)"),
)

# The national finding the survival of awarded innovations is read beside: of the innovations whose
# record was updated in JIPPNas (KemenPANRB's national public-service innovation network), 429 of
# 2,355 had stopped. As given in the design card (docs/DESIGN.md, section 2); its primary source was
# not located, so the pages quote it as the design card gives it.
JIPPNAS_STOPPED = (429, 2355)
