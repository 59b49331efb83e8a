"""Words of the interface in Bahasa Indonesia (first) and English, and labels of coded values.

Every visible sentence is written in Indonesian in the code, ``t("{n} usulan", n=n)``, and translated
through gettext catalogs: ``dasbor/locale/<lang>/LC_MESSAGES/messages.po`` (the Indonesian catalog holds
the wording readers see, so it can be edited without touching code; English holds the translation).
``scripts/setup.sh`` compiles them to ``.mo``; a catalog whose ``.mo`` is missing or older than its
``.po`` is compiled in memory with Babel. ``tests/test_catalog.py`` runs ``pybabel extract`` and fails
on a message missing from a catalog, an empty English entry or mismatched placeholders.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from dasbor import domain

LANGS = ("id", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


@functools.cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (read once per process)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(fh, locale=lang))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Translator:
    """``t(msgid, **params)``: the reader's wording of an Indonesian message, its ``{placeholders}``
    filled from ``params``; ``t.tc(context, msgid, **params)`` for a message whose Indonesian has more
    than one meaning (msgctxt)."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, msgid: str, /, **params) -> str:
        text = catalog(self.lang).gettext(msgid)
        return text.format(**params) if params else text

    def tc(self, context: str, msgid: str, /, **params) -> str:
        text = catalog(self.lang).pgettext(context, msgid)
        return text.format(**params) if params else text


@functools.cache
def translator(lang: str) -> Translator:
    return Translator(lang if lang in LANGS else LANGS[0])


def tr(lang: str, msgid: str, /, **params) -> str:
    """``t`` for code that has a language rather than a page context."""
    return translator(lang)(msgid, **params)


def trc(lang: str, context: str, msgid: str, /, **params) -> str:
    return translator(lang).tc(context, msgid, **params)


def N_(msgid: str) -> str:  # noqa: N802 - gettext's name for "extract this, translate it later"
    """Mark an Indonesian message for the catalogs where it is declared; translate it where it is shown."""
    return msgid


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


def pick(lang: str, id_text: str, en_text: str) -> str:
    """The reader's half of a text that reaches the page in both languages from a lower layer (the
    loader's reasons, storage and account errors, the domain's labels), not from the catalogs."""
    return id_text if lang == "id" else en_text
