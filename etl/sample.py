"""A realistic, invented sample batch in the template's own format, deterministic per seed.

Regions are real (Kemendagri codes); innovations, agencies' timings and evaluations are invented.
Every innovation code starts with ``SAMPEL-``, which is how the dashboard knows to label the data
as sample data. Stage histories come from a simple simulation: each stage has a typical duration
(the research agency's review is slow), each agency and region its own pace, and each step a
chance to stop; the simulation ends at a fixed date, so recent proposals are still under way.
Vectorised with numpy so the same code writes the 1,000,000-innovation benchmark batch.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dasbor import domain
from dasbor.reference import regions

END = date(2026, 10, 31)  # fixed, so a seed gives the same files on any day
PREFIX = "SAMPEL-"

# (agency, urusan, topics); the topics make the invented names read like real ones.
AGENCIES = (
    ("Dinas Kesehatan", "1.02", ("Posyandu", "Imunisasi", "Gizi Balita", "Kesehatan Ibu")),
    ("RSUD", "1.02", ("Antrean Pasien", "Rujukan", "Rekam Medis")),
    ("Puskesmas", "1.02", ("Pelayanan Lansia", "Kunjungan Rumah", "Stunting")),
    ("Dinas Pendidikan", "1.01", ("Literasi", "Beasiswa", "Sekolah Terbuka")),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "1.03", ("Perizinan Bangunan", "Jalan Desa")),
    ("Dinas Sosial", "1.06", ("Bantuan Sosial", "Data Terpadu")),
    ("Badan Penanggulangan Bencana Daerah", "1.05", ("Siaga Bencana", "Peringatan Dini")),
    ("Dinas Kependudukan dan Pencatatan Sipil", "2.12", ("Adminduk", "Akta Kelahiran", "KTP-el")),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "2.08", ("Perlindungan Anak", "Pengaduan")),
    ("Dinas Lingkungan Hidup", "2.11", ("Bank Sampah", "Air Bersih")),
    ("Dinas Perhubungan", "2.15", ("Angkutan Desa", "Parkir")),
    ("Dinas Komunikasi dan Informatika", "2.16", ("Layanan Terpadu", "Data Daerah")),
    ("Dinas Penanaman Modal dan PTSP", "2.18", ("Perizinan", "Investasi")),
    ("Dinas Pertanian", "3.27", ("Penyuluhan Tani", "Pupuk", "Benih")),
    ("Dinas Kelautan dan Perikanan", "3.25", ("Nelayan", "Budidaya Ikan")),
    ("Dinas Pariwisata", "3.26", ("Desa Wisata", "Promosi Wisata")),
    ("Dinas Perdagangan", "3.30", ("Pasar Rakyat", "UMKM")),
    ("Badan Pendapatan Daerah", "5.02", ("Pajak Daerah", "Retribusi")),
    ("Badan Kepegawaian dan Pengembangan SDM", "5.03", ("Kinerja ASN", "Absensi")),
    ("Badan Perencanaan Pembangunan Daerah", "5.01", ("Musrenbang", "Perencanaan")),
)
OPENERS = ("Layanan", "Gerakan", "Sistem Informasi", "Aplikasi", "Klinik", "Program", "Inovasi", "Sekolah")
CLOSERS = ("Keliling", "Terpadu", "Satu Pintu", "Berbasis Desa", "Daring", "Cepat", "Ramah", "Mandiri")


def _name(opener: str, topic: str, closer: str) -> str:
    """'Layanan' + 'Layanan Terpadu' + 'Terpadu' reads 'Layanan Terpadu', not every word twice."""
    words = set(topic.split())
    return " ".join(part for part in (opener, topic, closer) if part == topic or not words & set(part.split()))


# Stage → (next stages, probabilities, median days spent in the stage before moving on).
FLOW = {
    "usulan": (("kajian", "layak"), (0.93, 0.07), 21),
    "kajian": (("layak", "tidak_layak"), (0.84, 0.16), 55),
    "layak": (("penetapan", "dihentikan"), (0.93, 0.07), 40),
    "penetapan": (("uji_coba", "dihentikan"), (0.94, 0.06), 30),
    "uji_coba": (("penerapan", "dihentikan", "penetapan"), (0.82, 0.12, 0.06), 120),
    "penerapan": (("pelembagaan", "evaluasi", "dihentikan"), (0.45, 0.45, 0.10), 240),
    "pelembagaan": (("evaluasi", "dihentikan"), (0.92, 0.08), 160),
    # After an evaluation most continue ("-": no further stage); JIPPNas found 429 of 2,355 stopped.
    "evaluasi": (("dihentikan", "-"), (0.18, 0.82), 300),
}
# The Kemendagri app knows three groups only; exits are not reported there.
EXPORT_SPELLING = {
    "usulan": "Inisiatif",
    "kajian": "Inisiatif",
    "layak": "Tahap Inisiatif",
    "tidak_layak": "Inisiatif",
    "penetapan": "Inisiasi",
    "uji_coba": "Tahap Uji Coba",
    "penerapan": "Tahap Penerapan",
    "pelembagaan": "Penerapan",
    "evaluasi": "Penerapan",
    "dihentikan": "Uji Coba",
}


def _rupiah(values: np.ndarray) -> list[str]:
    return [f"Rp{int(v):,}".replace(",", ".") for v in values]


def _id_number(values: np.ndarray) -> list[str]:
    return [f"{v:.1f}".replace(".", ",") for v in values]


def _dmy(days: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(days, unit="D")).dt.strftime("%d/%m/%Y")


def _simulate(rng, start: np.ndarray, pace: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage entries (innovation index, stage, day) for every innovation, until END."""
    end = (pd.Timestamp(END) - pd.Timestamp(0)).days
    n = len(start)
    who, stage, day = [np.arange(n)], [np.full(n, "usulan", dtype=object)], [start.copy()]
    current, now = np.full(n, "usulan", dtype=object), start.astype(float)
    active = np.ones(n, dtype=bool)
    for _ in range(12):
        moved = np.zeros(n, dtype=bool)
        for name, (targets, probs, median) in FLOW.items():
            idx = np.flatnonzero(active & (current == name))
            if idx.size == 0:
                continue
            wait = rng.lognormal(np.log(median), 0.6, idx.size) * pace[idx]
            arrive = now[idx] + np.maximum(1, wait)
            ok = arrive <= end
            idx, arrive = idx[ok], arrive[ok]
            nxt = rng.choice(np.array(targets, dtype=object), size=idx.size, p=probs)
            stays = nxt == "-"
            active[idx[stays]] = False
            idx, arrive, nxt = idx[~stays], arrive[~stays], nxt[~stays]
            who.append(idx)
            stage.append(nxt)
            day.append(arrive)
            current[idx], now[idx] = nxt, arrive
            moved[idx] = True
        active &= moved
    return np.concatenate(who), np.concatenate(stage), np.concatenate(day).astype(int)


def build(innovations: int = 3000, seed: int = 2017) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    regs = [r for r in regions()]
    n = innovations
    # Uneven activity: a few regions report many innovations, some almost none.
    weight = rng.lognormal(0, 1.1, len(regs)) * np.array([0.4 if r.tingkat == "provinsi" else 1 for r in regs])
    # The two regions of the seed articles are among the busier ones (the top 2%).
    index = {r.kode: k for k, r in enumerate(regs)}
    for code in SEED_REGIONS:
        weight[index[code]] = max(weight[index[code]], float(np.quantile(weight, 0.98)))
    region = rng.choice(len(regs), size=n, p=weight / weight.sum())
    region_pace = rng.lognormal(0, 0.35, len(regs)) ** PACE_SPREAD
    agency = rng.integers(0, len(AGENCIES), n)
    agency_pace = rng.lognormal(0, 0.4, len(AGENCIES))
    # Proposals grow year on year, as the national IID participation did (3.718 in 2018 → 36.742 in 2025);
    # the years before 2018 hold few, so the windows around the seed events of 2015–2017 have a past.
    years = np.arange(FIRST_YEAR, END.year + 1)
    year = rng.choice(years, size=n, p=(g := np.linspace(1, 6, len(years))) / g.sum())
    epoch = pd.Timestamp(0)
    first = np.array([(pd.Timestamp(y, 1, 1) - epoch).days for y in year])
    span = np.where(year == END.year, (pd.Timestamp(END) - epoch).days - first, 365)
    start = first + (rng.random(n) * span).astype(int)
    # Outreach events, and the proposals that followed them (drawn apart, so that the rest of the
    # sample does not depend on them). They come on top of ``innovations``: about 320 of them.
    ev_rng = np.random.default_rng([seed, 20])
    kegiatan, extra_region, extra_start = _events(ev_rng, regs, weight, index)
    region = np.concatenate([region, extra_region])
    start = np.concatenate([start, extra_start])
    agency = np.concatenate([agency, ev_rng.integers(0, len(AGENCIES), len(extra_region))])
    n = len(region)
    who, stage, day = _simulate(rng, start, region_pace[region] * agency_pace[agency])

    codes = np.array([f"{PREFIX}{regs[r].kode.replace('.', '')}-{i + 1:07d}" for i, r in enumerate(region)])
    topic = [rng.choice(AGENCIES[a][2]) for a in agency]
    names = [_name(o, t, c) for o, t, c in zip(rng.choice(OPENERS, n), topic, rng.choice(CLOSERS, n), strict=True)]
    stages = pd.DataFrame({"i": who, "tahap": stage, "hari": day})
    last = stages.sort_values(["i", "hari"]).groupby("i").last()
    reached = stages.pivot_table(index="i", columns="tahap", values="hari", aggfunc="max")
    # One in ten regions reports as the Kemendagri app exports: current stage and dates, no history.
    export_style = rng.random(len(regs)) < 0.1
    # The seed regions report their whole stage history: their demo accounts show every Alur chart.
    export_style[[index[code] for code in SEED_REGIONS]] = False
    exported = export_style[region]

    inovasi = pd.DataFrame(
        {
            "kode_inovasi": codes,
            "nama_inovasi": names,
            "kode_wilayah": [regs[r].kode for r in region],
            "perangkat_daerah": [AGENCIES[a][0] for a in agency],
            "inisiator": rng.choice(
                ["perangkat_daerah", "masyarakat", "asn", "kepala_daerah", "anggota_dprd"],
                n,
                p=[0.62, 0.22, 0.08, 0.06, 0.02],
            ),
            "bentuk": rng.choice(["pelayanan_publik", "lainnya", "tata_kelola"], n, p=[0.66, 0.24, 0.10]),
            "jenis": rng.choice(["digital", "non_digital"], n, p=[0.38, 0.62]),
            "urusan": [AGENCIES[a][1] for a in agency],
            "tanggal_usulan": _dmy(start),
            "anggaran": _rupiah(np.round(rng.lognormal(np.log(75e6), 1.0, n), -3)),
            "nama_pengusul": [f"Pengusul Contoh {i + 1}" for i in range(n)],
            "publikasi": np.where(rng.random(n) < 0.93, "ya", "tidak"),
        }
    )
    cur = last["tahap"].reindex(range(n)).fillna("usulan")
    inovasi["tahap_terkini"] = np.where(exported, cur.map(EXPORT_SPELLING), "")
    for col, st in (("tanggal_uji_coba", "uji_coba"), ("tanggal_penerapan", "penerapan")):
        d = reached[st].reindex(range(n)) if st in reached else pd.Series(np.nan, index=range(n))
        inovasi[col] = np.where(exported & d.notna(), _dmy(d.fillna(0).astype(int)), "")

    keep = ~exported[stages["i"].to_numpy()]
    hist = stages[keep]
    hist = hist.loc[hist.groupby(["i", "tahap"])["hari"].idxmax()]  # last entry of a stage wins
    tahapan = pd.DataFrame(
        {
            "kode_inovasi": codes[hist["i"]],
            "tahap": hist["tahap"].to_numpy(),
            "tanggal": _dmy(hist["hari"].to_numpy()).to_numpy(),
            "nomor_dokumen": np.where(
                hist["tahap"].to_numpy() == "penetapan",
                [
                    f"188.45/{k % 400 + 1}/{y}"
                    for k, y in zip(hist["i"], pd.to_datetime(hist["hari"], unit="D").dt.year, strict=True)
                ],
                "",
            ),
        }
    )
    evaluasi = _evaluations(rng, stages, codes, agency)
    return {
        "inovasi": inovasi,
        "tahapan": tahapan,
        "evaluasi": evaluasi,
        "penghargaan": _awards(np.random.default_rng([seed, 21]), stages, codes, regs, region, weight),
        "indeks_daerah": _index(rng, regs, weight),
        "kegiatan": kegiatan,
    }


def _evaluations(rng, stages: pd.DataFrame, codes: np.ndarray, agency: np.ndarray) -> pd.DataFrame:
    ev = stages[stages["tahap"] == "evaluasi"].drop_duplicates("i")
    stopped = set(stages.loc[stages["tahap"] == "dihentikan", "i"])
    m = len(ev)
    i = ev["i"].to_numpy()
    unit = np.where(np.isin(agency[i], [0, 1, 2]), "menit", "hari")
    before = np.where(unit == "menit", rng.integers(45, 240, m), rng.integers(3, 30, m)).astype(float)
    after = np.round(before * rng.uniform(0.15, 0.9, m))
    surveyed = rng.random(m) < 0.6
    ikm_before = np.clip(rng.normal(73, 6, m), 25, 100)
    ikm_after = np.clip(ikm_before + rng.normal(6, 5, m), 25, 100)
    cost_before = np.where(rng.random(m) < 0.5, np.round(rng.lognormal(np.log(60000), 0.6, m), -3), 0)
    return pd.DataFrame(
        {
            "kode_inovasi": codes[i],
            "tanggal_evaluasi": _dmy(ev["hari"].to_numpy()).to_numpy(),
            "penilai": rng.choice(["Tim Balitbangda", "Inspektorat", "Tim Independen Universitas"], m),
            "hasil": rng.choice(["bermanfaat", "perlu_perbaikan", "tidak_bermanfaat"], m, p=[0.7, 0.22, 0.08]),
            "penerima_manfaat": [f"{v:,}".replace(",", ".") for v in rng.lognormal(np.log(900), 1.2, m).astype(int)],
            "waktu_layanan_sebelum": before.astype(int).astype(str),
            "waktu_layanan_sesudah": after.astype(int).astype(str),
            "satuan_waktu": unit,
            "biaya_sebelum": _rupiah(cost_before),
            "biaya_sesudah": _rupiah(np.round(cost_before * rng.choice([0, 0.5], m), -3)),
            "ikm_sebelum": np.where(surveyed, _id_number(ikm_before), ""),
            "ikm_sesudah": np.where(surveyed, _id_number(ikm_after), ""),
            "responden": np.where(surveyed, rng.integers(100, 600, m).astype(str), ""),
            "status_lanjut": np.where(np.isin(i, list(stopped)), "berhenti", "berlanjut"),
        }
    )


def _awards(rng, stages, codes, regs, region, weight) -> pd.DataFrame:
    """Entries in the competitions, not only wins. KIPP: an innovation implemented for a year may be
    entered (at most once); it passes each round with a chance that depends on its region (a few
    regions that enter often never pass), reaching the year's final Top N of ``KIPP_FINAL``. Half the
    regions send a row per round reached, half only the furthest (the loader reads both alike). IGA:
    nominees and the terinovatif per cluster, as Kemendagri publishes them (the regions that took part
    are not listed, so the sample has no IGA entrants). Inagara: a few entries per year."""
    out = []
    implemented = stages.loc[stages["tahap"] == "penerapan"].drop_duplicates("i")
    entered = implemented[rng.random(len(implemented)) < 0.22]
    year = pd.to_datetime(entered["hari"], unit="D").dt.year.to_numpy() + 1 + rng.integers(0, 3, len(entered))
    keep = year <= END.year
    entered, year = entered[keep], year[keep]
    i = entered["i"].to_numpy()
    r = region[i]
    quality = rng.lognormal(0, 0.5, len(regs))
    quality[rng.random(len(regs)) < 0.2] = 0.0  # they enter, and never pass
    for code in SEED_REGIONS:  # the regions of the seed articles went on to pass rounds (invented)
        quality[next(k for k, g in enumerate(regs) if g.kode == code)] = 1.3
    pass_99 = np.clip(0.3 * quality[r], 0, 0.9)
    reached = np.ones(len(i), dtype=int)
    reached[rng.random(len(i)) < pass_99] = 2
    for rank, chance in ((3, 0.45), (4, 0.2), (5, 0.35)):
        reached[(reached == rank - 1) & (rng.random(len(i)) < chance)] = rank
    every_round = rng.random(len(regs)) < 0.5
    for ii, rr, yy, top in zip(i, r, year, reached, strict=True):
        names = [_kipp_round(rank, int(yy)) for rank in range(1, top + 1)]
        for name in names if every_round[rr] else names[-1:]:
            out.append((regs[rr].kode, codes[ii], "KIPP", int(yy), regs[rr].tingkat.capitalize(), name))
    # IGA per year and cluster: nominees among the busier regions, about a third of them terinovatif.
    level = np.log(weight) - np.log(weight).mean()
    for yy in range(2017, END.year):
        for tingkat, nominees in (("provinsi", 7), ("kabupaten", 12), ("kota", 12)):
            ks = [k for k, g in enumerate(regs) if g.tingkat == tingkat]
            score = level[ks] + rng.normal(0, 0.8, len(ks))
            for rank, k in enumerate(np.array(ks)[np.argsort(-score)][:nominees]):
                name = "Terinovatif" if rank < nominees // 2 else "Nominasi"
                out.append((regs[k].kode, "", "IGA", yy, tingkat.capitalize(), name))
    # Inagara (LAN): a few entries from 2019 on.
    for yy in range(2019, END.year):
        for k in rng.choice(len(regs), 12, replace=False, p=weight / weight.sum()):
            name = rng.choice(["Peserta", "Nominasi", "Penerima Inagara"], p=[0.6, 0.3, 0.1])
            out.append((regs[k].kode, "", "Inagara", yy, regs[k].tingkat.capitalize(), name))
    # Pinrang, "a TOP 25 winner of 2014" in KemenPANRB's article of 12/10/2015 (which innovation it was
    # is not said).
    out.append(("73.15", "", "KIPP", 2014, "Kabupaten", "Top 25"))
    frame = pd.DataFrame(out, columns=["kode_wilayah", "kode_inovasi", "ajang", "tahun", "kategori", "capaian"])
    return frame.drop_duplicates().reset_index(drop=True)


# KIPP's final national round by year (dasbor/domain.py ROUND_SIZES); Top 45 in the years not known.
KIPP_FINAL = {2014: "Top 9", 2015: "Top 25", 2016: "Top 35", 2017: "Top 40", 2018: "Top 40"}


def _kipp_round(rank: int, year: int) -> str:
    """A KIPP round as a report writes it: 'Peserta', 'Top 99', the year's final, the UNPSA rounds."""
    return {1: "Peserta", 2: "Top 99", 3: KIPP_FINAL.get(year, "Top 45"), 4: "Nominee UNPSA", 5: "Pemenang UNPSA"}[rank]


FIRST_YEAR = 2014  # the first proposals of the sample (KIPP began in 2014)
# Regions differ in pace more than one draw of sigma 0.35 gives: its square (sigma 0.7), so that the
# regions spread around the cluster as real reports do and some fall outside the funnel's limits.
PACE_SPREAD = 2.0
SEED_REGIONS = ("71.07", "73.15")
# The two events of the articles this product grew from (as reported), and invented follow-ups:
# (region, date, kind, organiser, participants, audience, description, proposals that followed it).
SEED_EVENTS = (
    (
        "73.15",
        "12/10/2015",
        "sosialisasi",
        "Kementerian PANRB",
        "",
        "Bagian Organisasi pemerintah daerah",
        "Sosialisasi Kompetisi Inovasi Pelayanan Publik 2016 di Jakarta, hari kelima: 101 perwakilan pemda dari "
        "Sulawesi Selatan, Gorontalo, Lampung, Kalimantan Tengah, Kepulauan Riau, Riau dan Sumatera Selatan. "
        "Pinrang (TOP 25 2014) akan menyosialisasikan sampai unit terendah dan mengirim lebih banyak inovasi "
        "(menpan.go.id).",
        0,
    ),
    (
        "73.15",
        "15/02/2016",
        "sosialisasi",
        "Bagian Organisasi dan Tata Laksana Setda Kabupaten Pinrang",
        "160",
        "kecamatan, kelurahan dan unit pelayanan",
        "Sosialisasi inovasi pelayanan publik sampai unit terendah, tindak lanjut sosialisasi KIPP 2016 "
        "(tanggal dan jumlah peserta dikarang untuk contoh).",
        9,
    ),
    (
        "71.07",
        "22/11/2017",
        "sosialisasi",
        "Bagian Organisasi Setda Kabupaten Minahasa Tenggara",
        "",
        "perangkat daerah",
        "Sosialisasi inovasi pelayanan publik di Hotel Grand Puri Manado, dibuka Asisten III Setda, narasumber "
        "Deputi Bidang Inovasi Administrasi Negara LAN; tujuannya semua perangkat daerah berinovasi pada 2018 "
        "(manadoline.com, manadonews.co.id).",
        14,
    ),
    (
        "73.15",
        "09/07/2019",
        "bimtek",
        "BRIDA Provinsi Sulawesi Selatan",
        "45",
        "perangkat daerah",
        "Bimbingan teknis pelaporan inovasi daerah (dikarang untuk contoh).",
        4,
    ),
    (
        "71.07",
        "16/03/2021",
        "klinik_inovasi",
        "LAN (Laboratorium Inovasi)",
        "30",
        "perangkat daerah dan puskesmas",
        "Klinik inovasi pendampingan usulan (dikarang untuk contoh).",
        6,
    ),
)
# Invented events: who holds each kind, what it is aimed at, and how many proposals (on average, a
# Poisson draw) it is followed by in its region in the next twelve months. Invented, so that the
# figures have something to find; not a finding about real outreach.
EVENT_KINDS = {
    "sosialisasi": (0.4, ("Bagian Organisasi Setda", "BRIDA", "Kementerian PANRB", "LAN"), 3.0),
    "bimtek": (0.25, ("BRIDA", "Balitbangda", "BSKDN Kemendagri"), 4.0),
    "klinik_inovasi": (0.15, ("LAN (Laboratorium Inovasi)", "BRIDA"), 6.0),
    "lomba": (0.1, ("Bappeda", "BRIDA"), 4.0),
    "lainnya": (0.1, ("Bagian Organisasi Setda", "Dinas Kominfo"), 1.0),
}
AUDIENCES = ("perangkat daerah", "ASN", "kecamatan", "puskesmas dan sekolah", "kelurahan dan desa")


def _events(rng, regs, weight, index) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The seed events and invented ones in forty other busy regions (2016–2025), with the region and
    proposal day of each proposal that followed an event (spread over the twelve months after it)."""
    rows = [row[:7] for row in SEED_EVENTS]
    uplift = [
        (index[row[0]], pd.Timestamp(row[1][6:] + "-" + row[1][3:5] + "-" + row[1][:2]), row[7]) for row in SEED_EVENTS
    ]
    kinds = list(EVENT_KINDS)
    local = [k for k, r in enumerate(regs) if r.tingkat != "provinsi" and r.kode not in SEED_REGIONS]
    busy = np.array(local)[np.argsort(-weight[local])][:40]
    for k in busy:
        for _ in range(int(rng.integers(1, 4))):
            kind = rng.choice(kinds, p=[EVENT_KINDS[c][0] for c in kinds])
            day = pd.Timestamp(2016, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 3650)))
            organiser = rng.choice(EVENT_KINDS[kind][1])
            rows.append(
                (
                    regs[k].kode,
                    day.strftime("%d/%m/%Y"),
                    kind,
                    str(organiser),
                    str(int(rng.lognormal(np.log(60), 0.5))),
                    str(rng.choice(AUDIENCES)),
                    "Kegiatan contoh (dikarang).",
                )
            )
            uplift.append((k, day, int(rng.poisson(EVENT_KINDS[kind][2]))))
    frame = pd.DataFrame(
        rows, columns=["kode_wilayah", "tanggal", "jenis", "penyelenggara", "peserta", "sasaran", "keterangan"]
    ).drop_duplicates(["kode_wilayah", "tanggal", "jenis"])
    epoch = pd.Timestamp(0)
    extra_region, extra_start = [], []
    for k, day, count in uplift:
        after = (day + pd.offsets.MonthBegin(1) - epoch).days  # the month after the event's own
        extra_region += [k] * count
        extra_start += list(after + rng.integers(0, 365, count))
    last = (pd.Timestamp(END) - epoch).days
    keep = np.array(extra_start, dtype=int) <= last
    return frame, np.array(extra_region, dtype=int)[keep], np.array(extra_start, dtype=int)[keep]


def _index(rng, regs, weight) -> pd.DataFrame:
    rows = []
    level = np.log(weight) - np.log(weight).mean()
    for year in range(2022, END.year):
        for k, r in enumerate(regs):
            if rng.random() < 0.04:
                rows.append((r.kode, year, "0", ""))  # did not report: Tidak Dapat Dinilai
                continue
            score = float(np.clip(46 + 9 * level[k] + rng.normal(0, 6) + 1.5 * (year - 2022), 5, 95))
            # Published lists often give only the predikat; keep the score for most rows.
            text = f"{score:.2f}".replace(".", ",")
            rows.append(
                (r.kode, year, text, "") if rng.random() < 0.85 else (r.kode, year, "", domain.predikat_of(score))
            )
    return pd.DataFrame(rows, columns=["kode_wilayah", "tahun", "skor", "predikat"])


def write_sample(out: Path, innovations: int = 3000, seed: int = 2017) -> Path:
    """The sample batch as CSV files: ``innovations`` proposals drawn at random, and on top of them
    the few hundred that follow the outreach events (``kegiatan``), so their estimates can be made."""
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in build(innovations, seed).items():
        # Semicolons, day-first dates and Rupiah: how Indonesian spreadsheets save CSV.
        frame.to_csv(out / f"{name}.csv", sep=";", index=False)
    return out
