"""Words of the interface in Bahasa Indonesia (first) and English, and labels of coded values."""

from __future__ import annotations

from dasbor import domain

LANGS = ("id", "en")

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "tahap": {s.code: (s.id, s.en) for s in domain.STAGES},
    "kelompok": dict(domain.GROUPS),
    "inisiator": {
        "kepala_daerah": ("Kepala daerah", "Head of region"),
        "anggota_dprd": ("Anggota DPRD", "DPRD member"),
        "asn": ("ASN", "Civil servant"),
        "perangkat_daerah": ("Perangkat daerah", "Regional agency"),
        "masyarakat": ("Masyarakat", "The public"),
    },
    "bentuk": {
        "tata_kelola": ("Tata kelola pemerintahan", "Governance"),
        "pelayanan_publik": ("Pelayanan publik", "Public service"),
        "lainnya": ("Lainnya sesuai urusan", "Other, by affair"),
    },
    "jenis": {"digital": ("Digital", "Digital"), "non_digital": ("Non-digital", "Non-digital")},
    "tingkat": {
        "provinsi": ("Provinsi", "Province"),
        "kabupaten": ("Kabupaten", "Regency"),
        "kota": ("Kota", "City"),
    },
    "status_lanjut": {"berlanjut": ("Berlanjut", "Continuing"), "berhenti": ("Berhenti", "Stopped")},
    "satuan_waktu": {"menit": ("menit", "minutes"), "jam": ("jam", "hours"), "hari": ("hari", "days")},
    "hasil": {
        "bermanfaat": ("Bermanfaat", "Beneficial"),
        "perlu_perbaikan": ("Perlu perbaikan", "Needs improvement"),
        "tidak_bermanfaat": ("Tidak bermanfaat", "Not beneficial"),
    },
    "predikat": dict(domain.PREDIKAT),
    "verdict": {
        "lebih_tinggi": ("Lebih tinggi", "Higher"),
        "serupa": ("Serupa", "Similar"),
        "lebih_rendah": ("Lebih rendah", "Lower"),
        "tidak_ada": ("Tidak ada data", "No data"),
    },
    "jenis_kegiatan": {
        "sosialisasi": ("Sosialisasi", "Briefing (sosialisasi)"),
        "bimtek": ("Bimbingan teknis", "Technical guidance (bimtek)"),
        "klinik_inovasi": ("Klinik inovasi", "Innovation clinic"),
        "lomba": ("Lomba", "Competition (lomba)"),
        "lainnya": ("Lainnya", "Other"),
    },
    # Why an event has an estimate or not (dasbor.outreach).
    "status_kegiatan": {
        "dihitung": ("Dihitung", "Computed"),
        "terlalu_sedikit": ("Usulan terlalu sedikit untuk menyimpulkan", "Too few proposals to say"),
        "belum_lengkap": ("12 bulan sesudahnya belum lewat", "The 12 months after have not passed yet"),
        "sebelum_data": ("12 bulan sebelumnya mendahului data", "The 12 months before precede the data"),
        "tanpa_pembanding": ("Wilayah pembanding terlalu sedikit", "Too few comparison regions"),
    },
    "ajang": {
        "KIPP": ("KIPP (KemenPANRB)", "KIPP (KemenPANRB)"),
        "IGA": ("IGA (Kemendagri)", "IGA (Kemendagri)"),
        "Inagara": ("Inagara (LAN)", "Inagara (LAN)"),
        "UNPSA": ("UNPSA (PBB)", "UNPSA (United Nations)"),
        "lainnya": ("Lainnya", "Other"),
    },
    # Rounds of every competition's scale (dasbor.domain.COMPETITIONS); a code names one round wherever
    # it appears (peserta, nominasi, pemenang are shared).
    "capaian": {r.code: (r.id, r.en) for scale in domain.COMPETITIONS.values() for r in scale},
}


def label(domain: str, value, lang: str = "id") -> str:
    """The reader's word for a coded value; the code itself when it has no label."""
    pair = LABELS.get(domain, {}).get(value)
    if pair is None:
        return "–" if value is None else str(value)
    return pair[0] if lang == "id" else pair[1]


def options(domain: str) -> list[str]:
    return list(LABELS[domain])
