"""The reporting template, declared once: tables, columns, kinds, rules and their help text.

The validator, the Excel template with its column dictionary, and the README's contract section
are all made from this list, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dasbor import domain
from dasbor.reference import norm_key

STAGES = domain.CODES
EXITS = domain.EXITS

DOMAINS: dict[str, tuple[str, ...]] = {
    "inisiator": ("kepala_daerah", "anggota_dprd", "asn", "perangkat_daerah", "masyarakat"),
    "bentuk": ("tata_kelola", "pelayanan_publik", "lainnya"),
    "jenis": ("digital", "non_digital"),
    "tahap": STAGES,
    "hasil": ("bermanfaat", "perlu_perbaikan", "tidak_bermanfaat"),
    "satuan_waktu": ("menit", "jam", "hari"),
    "status_lanjut": ("berlanjut", "berhenti"),
    "ya_tidak": ("ya", "tidak"),
    "ajang": ("IGA", "KIPP", "UNPSA", "Inagara", "lainnya"),
    "predikat": tuple(domain.PREDIKAT),
    "jenis_kegiatan": ("sosialisasi", "bimtek", "klinik_inovasi", "lomba", "lainnya"),
}
# Further spellings of the kinds of outreach event (the codes themselves are always read); the shipped
# alias.csv and a data folder's own may add more.
EVENT_ALIASES = {
    "sosialisasi": ("socialisation", "socialization", "sosialisasi inovasi", "penyuluhan"),
    "bimtek": ("bimbingan teknis", "technical guidance", "pelatihan", "training", "workshop", "lokakarya"),
    "klinik_inovasi": ("klinik", "innovation clinic", "pendampingan", "coaching", "laboratorium inovasi"),
    "lomba": ("lomba inovasi", "competition", "kompetisi daerah"),
    "lainnya": ("lain lain", "other"),
}


def builtin_aliases() -> list[dict[str, str]]:
    """Spellings the contract declares itself, read before alias.csv (whose rows win): each kind of
    outreach event by its code and the words above."""
    return [
        {"domain": "jenis_kegiatan", "kunci": norm_key(word), "kanonik": code}
        for code, words in EVENT_ALIASES.items()
        for word in (code, *words)
    ]


def capaian_keys() -> list[dict[str, str]]:
    """(ajang, key, round code) for every way a round of a competition's scale may be written: its
    code, its names in both languages and its aliases (``dasbor.domain.COMPETITIONS``), by the one
    normalisation rule."""
    out = {}
    for ajang, scale in domain.COMPETITIONS.items():
        for r in scale:
            for word in (r.code, r.id, r.en, *r.aliases):
                out.setdefault((ajang, norm_key(word)), r.code)
    return [{"ajang": a, "kunci": k, "kanonik": code} for (a, k), code in out.items()]


def capaian_choices(ajang: str) -> str:
    """The round codes of a competition, in order: 'peserta, top_99, top_9, …'."""
    return ", ".join(r.code for r in domain.rounds(ajang))


@dataclass(frozen=True)
class Column:
    name: str
    en: str
    # teks, kode, tanggal, uang, angka, bulat, tahun, enum, wilayah_kode, wilayah_nama, urusan, capaian (a
    # round on the scale of the row's ajang: etl.rules)
    kind: str
    required: bool
    help_id: str
    help_en: str
    example: str
    domain: str | None = None
    lo: float | None = None
    hi: float | None = None
    private: bool = False
    max_len: int | None = None  # text and code columns: the longest cell accepted, in characters
    multiline: bool = False  # whether a cell may hold line breaks and tabs (other control characters never)

    def limits(self) -> str:
        """The length and line rule of a text or code column, in both languages (the kamus sheet)."""
        if self.max_len is None:
            return ""
        n = f"{self.max_len:,}"
        if self.multiline:
            return (
                f"≤ {n.replace(',', '.')} karakter; boleh ganti baris dan tab / "
                f"≤ {n} characters; line breaks and tabs allowed"
            )
        return f"≤ {n.replace(',', '.')} karakter, satu baris / ≤ {n} characters, one line"

    def accepted(self) -> str:
        if self.domain:
            return ", ".join(DOMAINS[self.domain])
        if self.kind == "capaian":
            scales = "; ".join(f"{a}: {capaian_choices(a)}" for a in domain.COMPETITIONS)
            return f"{scales}; lainnya: teks bebas / free text"
        return {
            "tanggal": "22/11/2017 · 2017-11-22 · 22 November 2017 · Rabu, 22 November 2017",
            "uang": "Rp1.500.000 · 1.500.000,00 · 1500000",
            "angka": "1.234,56 · 1234,56 · 1234",
            "bulat": "1.234 · 1234",
            "tahun": "2025",
            "wilayah_kode": "71.07 · 7107",
            "urusan": "1.02 · Kesehatan",
        }.get(self.kind, "")


@dataclass(frozen=True)
class Table:
    name: str
    en: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    help_id: str
    help_en: str
    needs_one_of: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# The longest cell a text or code column takes unless it says otherwise: long enough for any real
# title, agency or code, short enough that a pasted document or a broken export is caught.
MAX_LEN = {"kode": 100, "teks": 300}
# Columns holding codes: a number typed there is a code that lost its zeros (etl.read), and the
# template formats them as text so that Excel leaves them alone (etl.template).
CODE_KINDS = ("kode", "wilayah_kode", "urusan")


def C(name, en, kind, required, help_id, help_en, example, **kw) -> Column:  # noqa: N802
    if kind in MAX_LEN:
        kw.setdefault("max_len", MAX_LEN[kind])
    return Column(name, en, kind, required, help_id, help_en, example, **kw)


_REGION = (
    C(
        "kode_wilayah",
        "region_code",
        "wilayah_kode",
        False,
        "Kode wilayah Kemendagri; wajib bila nama_wilayah kosong",
        "Kemendagri region code; required when region_name is empty",
        "71.07",
    ),
    C(
        "nama_wilayah",
        "region_name",
        "wilayah_nama",
        False,
        "Nama wilayah, dipakai bila kode kosong; nama ganda atau tak dikenal ditolak",
        "Region name, used when the code is empty; ambiguous or unknown names are rejected",
        "Kabupaten Minahasa Tenggara",
    ),
)

TABLES: tuple[Table, ...] = (
    Table(
        "inovasi",
        "innovations",
        ("kode_inovasi",),
        (
            C(
                "kode_inovasi",
                "code",
                "kode",
                True,
                "Kode tetap inovasi dari daerah; kunci pembaruan",
                "The region's stable id of the innovation; the update key",
                "7107-2024-001",
            ),
            C("nama_inovasi", "name", "teks", True, "Judul inovasi", "Title", "Layanan Adminduk Keliling"),
            *_REGION,
            C(
                "perangkat_daerah",
                "agency",
                "teks",
                True,
                "Perangkat daerah pemilik inovasi",
                "Agency that owns the innovation",
                "Dinas Kependudukan dan Pencatatan Sipil",
            ),
            C(
                "inisiator",
                "source",
                "enum",
                True,
                "Sumber inovasi (PP 38/2017 Ps 3)",
                "Source of the innovation (PP 38/2017 art. 3)",
                "perangkat_daerah",
                domain="inisiator",
            ),
            C("bentuk", "form", "enum", True, "Bentuk inovasi", "Form", "pelayanan_publik", domain="bentuk"),
            C("jenis", "type", "enum", True, "Jenis inovasi", "Type", "digital", domain="jenis"),
            C(
                "urusan",
                "affair",
                "urusan",
                False,
                "Urusan pemerintahan (Permendagri 90/2019)",
                "Government affair (Permendagri 90/2019)",
                "1.02",
            ),
            C("tanggal_usulan", "proposed_on", "tanggal", True, "Tanggal usulan", "Date proposed", "22/11/2017"),
            C(
                "anggaran",
                "budget",
                "uang",
                False,
                "Anggaran (Rupiah, ≥ 0)",
                "Budget (Rupiah, ≥ 0)",
                "Rp150.000.000",
                lo=0,
            ),
            C(
                "nama_pengusul",
                "proposer",
                "teks",
                False,
                "Nama pengusul (data pribadi, tidak publik)",
                "Proposer's name (personal data, never public)",
                "Budi Santoso",
                private=True,
                max_len=200,
            ),
            C(
                "deskripsi",
                "description",
                "teks",
                False,
                "Uraian singkat",
                "Short description",
                "",
                max_len=5000,
                multiline=True,
            ),
            C(
                "replikasi_dari",
                "replicates",
                "kode",
                False,
                "kode_inovasi yang ditiru, dari daerah mana pun",
                "kode_inovasi of the innovation it copies, in any region",
                "3576-2019-004",
            ),
            C(
                "publikasi",
                "public",
                "enum",
                False,
                "Boleh dipublikasikan (ya/tidak, bawaan ya)",
                "May be published (yes/no, default yes)",
                "ya",
                domain="ya_tidak",
            ),
            C(
                "tahap_terkini",
                "current_stage",
                "enum",
                False,
                "Tahap terkini seperti di aplikasi Kemendagri (Inisiatif/Uji Coba/Penerapan) atau kode tahap",
                "Current stage as the Kemendagri app writes it (Inisiatif/Uji Coba/Penerapan) or a stage code",
                "Tahap Uji Coba",
                domain="tahap",
            ),
            C(
                "tanggal_uji_coba",
                "trial_on",
                "tanggal",
                False,
                "Tanggal mulai uji coba",
                "Date the trial started",
                "01/03/2018",
            ),
            C(
                "tanggal_penerapan",
                "implemented_on",
                "tanggal",
                False,
                "Tanggal mulai penerapan",
                "Date implementation started",
                "01/09/2018",
            ),
        ),
        "Satu baris per inovasi",
        "One row per innovation",
        needs_one_of=(("kode_wilayah", "nama_wilayah"),),
    ),
    Table(
        "tahapan",
        "stages",
        ("kode_inovasi", "tahap"),
        (
            C(
                "kode_inovasi",
                "code",
                "kode",
                True,
                "Harus ada (di kiriman ini atau sudah dimuat)",
                "Must exist (in this batch or already loaded)",
                "7107-2024-001",
            ),
            C(
                "tahap",
                "stage",
                "enum",
                True,
                "Kode tahap atau nama Inggrisnya",
                "Stage code or its English name",
                "penetapan",
                domain="tahap",
            ),
            C(
                "tanggal",
                "date",
                "tanggal",
                True,
                "Tanggal masuk tahap; tidak sebelum tanggal usulan",
                "Date the stage was entered; not before the proposal date",
                "15/01/2018",
            ),
            C(
                "nomor_dokumen",
                "document_no",
                "teks",
                False,
                "Nomor dokumen, mis. nomor SK",
                "Document number, e.g. the decree number",
                "188.45/12/2018",
                max_len=200,
            ),
            C(
                "catatan",
                "note",
                "teks",
                False,
                "Catatan internal (tidak publik)",
                "Internal note (never public)",
                "",
                private=True,
                max_len=2000,
                multiline=True,
            ),
        ),
        "Riwayat tahapan; tanggal yang lebih akhir untuk tahap yang sama menggantikan",
        "Stage history; a later date for the same stage replaces the earlier",
    ),
    Table(
        "evaluasi",
        "evaluations",
        ("kode_inovasi", "tanggal_evaluasi"),
        (
            C("kode_inovasi", "code", "kode", True, "Inovasi yang dievaluasi", "Innovation evaluated", "7107-2024-001"),
            C("tanggal_evaluasi", "evaluated_on", "tanggal", True, "Tanggal evaluasi", "Evaluation date", "10/12/2019"),
            C("penilai", "evaluator", "teks", False, "Penilai", "Evaluator", "Tim Balitbangda"),
            C("hasil", "result", "enum", True, "Hasil evaluasi", "Result", "bermanfaat", domain="hasil"),
            C(
                "penerima_manfaat",
                "beneficiaries",
                "bulat",
                False,
                "Jumlah penerima manfaat (≥ 0)",
                "Number of beneficiaries (≥ 0)",
                "1.250",
                lo=0,
            ),
            C(
                "waktu_layanan_sebelum",
                "service_time_before",
                "angka",
                False,
                "Waktu layanan sebelum inovasi (≥ 0)",
                "Service time before (≥ 0)",
                "14",
                lo=0,
            ),
            C(
                "waktu_layanan_sesudah",
                "service_time_after",
                "angka",
                False,
                "Waktu layanan sesudah inovasi (≥ 0)",
                "Service time after (≥ 0)",
                "2",
                lo=0,
            ),
            C(
                "satuan_waktu",
                "time_unit",
                "enum",
                False,
                "Satuan waktu layanan",
                "Time unit",
                "hari",
                domain="satuan_waktu",
            ),
            C(
                "biaya_sebelum",
                "cost_before",
                "uang",
                False,
                "Biaya yang dibayar warga per layanan, sebelum",
                "Cost paid by the citizen per service, before",
                "Rp50.000",
                lo=0,
            ),
            C(
                "biaya_sesudah",
                "cost_after",
                "uang",
                False,
                "Biaya yang dibayar warga per layanan, sesudah",
                "Cost paid by the citizen per service, after",
                "Rp0",
                lo=0,
            ),
            C(
                "ikm_sebelum",
                "ikm_before",
                "angka",
                False,
                "IKM sebelum (25–100, PermenPANRB 14/2017)",
                "Satisfaction index before (25–100)",
                "72,5",
                lo=25,
                hi=100,
            ),
            C(
                "ikm_sesudah",
                "ikm_after",
                "angka",
                False,
                "IKM sesudah (25–100)",
                "Satisfaction index after (25–100)",
                "86,1",
                lo=25,
                hi=100,
            ),
            C("responden", "respondents", "bulat", False, "Jumlah responden survei", "Survey size", "400", lo=0),
            C(
                "status_lanjut",
                "continuation",
                "enum",
                False,
                "Berlanjut atau berhenti",
                "Continuing or stopped",
                "berlanjut",
                domain="status_lanjut",
            ),
        ),
        "Evaluasi manfaat bagi warga",
        "Evaluation of the benefit to citizens",
    ),
    Table(
        "penghargaan",
        "awards",
        ("kode_wilayah", "kode_inovasi", "ajang", "tahun", "kategori", "capaian"),
        (
            *_REGION,
            C(
                "kode_inovasi",
                "code",
                "kode",
                False,
                "Inovasi yang diberi penghargaan (boleh kosong)",
                "Awarded innovation (optional)",
                "7315-2014-002",
            ),
            C("ajang", "competition", "enum", True, "Ajang penghargaan", "Competition", "KIPP", domain="ajang"),
            C("tahun", "year", "tahun", True, "Tahun penghargaan", "Year", "2014"),
            C(
                "kategori",
                "category",
                "teks",
                False,
                "Kategori atau klaster",
                "Category or cluster",
                "Kabupaten",
                max_len=200,
            ),
            C(
                "capaian",
                "achievement",
                "capaian",
                False,
                "Babak terjauh yang dicapai, pada skala ajangnya (peserta = ikut, belum lolos babak apa pun); "
                "kosong = ikut, babaknya tidak diketahui; untuk ajang lainnya teks bebas",
                "The furthest round reached, on the competition's scale (peserta = took part, passed no round); "
                "empty = took part, round unknown; free text for other competitions",
                "Top 99",
                max_len=200,
            ),
        ),
        "Keikutsertaan dan penghargaan dalam kompetisi inovasi: satu baris per babak yang dicapai, atau hanya "
        "babak terjauh",
        "Entries and awards in innovation competitions: one row per round reached, or the furthest only",
        needs_one_of=(("kode_wilayah", "nama_wilayah"),),
    ),
    Table(
        "indeks_daerah",
        "regional_index",
        ("kode_wilayah", "tahun"),
        (
            *_REGION,
            C("tahun", "year", "tahun", True, "Tahun penilaian IID", "Assessment year", "2025"),
            C(
                "skor",
                "score",
                "angka",
                False,
                "Skor IID 0–100; wajib bila predikat kosong",
                "IID score 0–100; required when predikat is empty",
                "52,36",
                lo=0,
                hi=100,
            ),
            C(
                "predikat",
                "rating",
                "enum",
                False,
                "Predikat; harus cocok dengan rentang skor",
                "Rating; must agree with the score's band",
                "inovatif",
                domain="predikat",
            ),
        ),
        "Indeks Inovasi Daerah per wilayah dan tahun",
        "Regional Innovation Index per region and year",
        needs_one_of=(("kode_wilayah", "nama_wilayah"),),
    ),
    Table(
        "penduduk",
        "population",
        ("kode_wilayah", "tahun"),
        (
            *_REGION,
            C("tahun", "year", "tahun", True, "Tahun", "Year", "2024"),
            C("jumlah", "count", "bulat", True, "Jumlah penduduk", "Population", "301.012", lo=0),
        ),
        "Jumlah penduduk (opsional)",
        "Population (optional)",
        needs_one_of=(("kode_wilayah", "nama_wilayah"),),
    ),
    Table(
        "kegiatan",
        "events",
        ("kode_wilayah", "tanggal", "jenis"),
        (
            *_REGION,
            C("tanggal", "date", "tanggal", True, "Tanggal kegiatan", "Date of the event", "22/11/2017"),
            C(
                "jenis",
                "kind",
                "enum",
                True,
                "Jenis kegiatan pembinaan inovasi",
                "Kind of outreach event",
                "sosialisasi",
                domain="jenis_kegiatan",
            ),
            C(
                "penyelenggara",
                "organiser",
                "teks",
                True,
                "Penyelenggara, mis. Bagian Organisasi Setda, BRIDA, LAN, KemenPANRB",
                "Organiser, e.g. the Sekda's organisation bureau, BRIDA, LAN, KemenPANRB",
                "Bagian Organisasi Setda Kabupaten Minahasa Tenggara",
                max_len=200,
            ),
            C(
                "peserta",
                "participants",
                "bulat",
                False,
                "Jumlah peserta (bilangan bulat ≥ 0, boleh kosong)",
                "Number of participants (whole number ≥ 0, optional)",
                "120",
                lo=0,
            ),
            C(
                "sasaran",
                "audience",
                "teks",
                False,
                "Sasaran, mis. perangkat daerah, ASN, kecamatan",
                "Audience, e.g. regional agencies, civil servants, districts",
                "perangkat daerah",
                max_len=200,
            ),
            C(
                "keterangan",
                "description",
                "teks",
                False,
                "Keterangan: tempat, narasumber, tujuan",
                "Description: place, speakers, aim",
                "Dibuka Asisten III; narasumber Deputi Inovasi LAN",
                max_len=2000,
                multiline=True,
            ),
        ),
        "Kegiatan pembinaan inovasi (sosialisasi, bimtek, klinik inovasi, lomba); satu baris per wilayah, tanggal "
        "dan jenis",
        "Outreach events on innovation (briefings, technical guidance, clinics, competitions); one row per region, "
        "date and kind",
        needs_one_of=(("kode_wilayah", "nama_wilayah"),),
    ),
)

TABLE_BY_NAME = {t.name: t for t in TABLES}
# Order matters: innovations first, so that rows referring to them can be checked.
LOAD_ORDER = ("inovasi", "tahapan", "evaluasi", "penghargaan", "indeks_daerah", "penduduk", "kegiatan")


def header_key(text: str) -> str:
    """Headers match by the one normalisation rule (``dasbor.reference.norm_key``: case, Unicode
    spaces, full-width letters, hyphens), ignoring underscores and a required-mark asterisk too."""
    return norm_key(str(text).replace("*", " ")).replace("_", "")


def table_for(stem: str) -> Table | None:
    """The table a file stem or sheet name names: `inovasi`, `Innovations`, `inovasi_2024`."""
    key = header_key(stem)
    names = sorted(((header_key(n), t) for t in TABLES for n in (t.name, t.en)), key=lambda p: -len(p[0]))
    for name, table in names:
        if key == name:
            return table
    for name, table in names:
        if key.startswith(name):
            return table
    return None


def predikat_for(score: float) -> str:
    """Permendagri 104/2018 bands (2022–2023 publications)."""
    if score <= 0:
        return "tidak_dapat_dinilai"
    if score < 35:
        return "kurang_inovatif"
    if score <= 60:
        return "inovatif"
    return "sangat_inovatif"
