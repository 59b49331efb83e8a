"""Words of the interface in Bahasa Indonesia (first) and English, and labels of coded values."""

from __future__ import annotations

LANGS = ("id", "en")

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "tahap": {
        "usulan": ("Usulan", "Proposed"),
        "kajian": ("Kajian", "Under review"),
        "layak": ("Layak", "Feasible"),
        "tidak_layak": ("Tidak layak", "Not feasible"),
        "penetapan": ("Penetapan", "Set by decree"),
        "uji_coba": ("Uji coba", "Trial"),
        "penerapan": ("Penerapan", "Implemented"),
        "pelembagaan": ("Pelembagaan", "Institutionalised"),
        "evaluasi": ("Evaluasi", "Evaluated"),
        "dihentikan": ("Dihentikan", "Stopped"),
    },
    "kelompok": {
        "Inisiatif": ("Inisiatif", "Initiative"),
        "Uji Coba": ("Uji Coba", "Trial"),
        "Penerapan": ("Penerapan", "Implementation"),
        "Tidak layak": ("Tidak layak", "Not feasible"),
        "Dihentikan": ("Dihentikan", "Stopped"),
    },
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
    "predikat": {
        "sangat_inovatif": ("Sangat Inovatif", "Very innovative"),
        "inovatif": ("Inovatif", "Innovative"),
        "kurang_inovatif": ("Kurang Inovatif", "Less innovative"),
        "tidak_dapat_dinilai": ("Tidak Dapat Dinilai", "Cannot be assessed"),
    },
    "verdict": {
        "lebih_tinggi": ("Lebih tinggi", "Higher"),
        "serupa": ("Serupa", "Similar"),
        "lebih_rendah": ("Lebih rendah", "Lower"),
        "tidak_ada": ("Tidak ada data", "No data"),
    },
}


def label(domain: str, value, lang: str = "id") -> str:
    """The reader's word for a coded value; the code itself when it has no label."""
    pair = LABELS.get(domain, {}).get(value)
    if pair is None:
        return "–" if value is None else str(value)
    return pair[0] if lang == "id" else pair[1]


def options(domain: str) -> list[str]:
    return list(LABELS[domain])
