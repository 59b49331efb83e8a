"""The public's data without Streamlit: a static Frictionless data package, written at every load.

Every publish (``etl load``, ``etl rebuild``) writes, beside the snapshots::

    <data dir>/publik -> publik.d/<snapshot>/     (a symbolic link, swapped atomically)
    <data dir>/publik.d/<snapshot>/datapackage.json
                                  inovasi_daerah_publik.csv   the Transparansi page's "Unduh CSV", unfiltered
                                  kamus_data.csv              its "Unduh kamus data (CSV)"
                                  LICENSE.md                  CC BY 4.0, with the attribution to give

so that any web server or CDN can serve ``<data dir>/publik/`` and a crowd downloading the data never
reaches the Python servers. The CSVs are made by the very functions the page's download buttons call
(``publik.csv`` with no filter and no search, ``publik.dictionary`` through ``charts.csv_bytes``), so
they are byte for byte what the page gives. ``datapackage.json`` follows the Frictionless Data
Package and Table Schema specifications (https://specs.frictionlessdata.io/): each column's type
from the snapshot, its title and description from the data dictionary and the loader's contract
(``etl/contract.py``), the allowed values of coded columns from the contract's domains.

Replacing it is atomic for readers: the new version is written completely into its own folder
(``publik.d/<snapshot>``, every file flushed), then a new symbolic link is renamed over ``publik``
(``os.replace``), so a reader sees the old package or the new one, never a mix, and a download under
way finishes from the old files. The last ``INOVASI_KEEP_SNAPSHOTS`` versions are kept, like the
snapshots. Where symbolic links cannot be made (some network or FUSE mounts) the folder itself is
swapped by two renames, with a moment in between when ``publik`` is missing (said in a notice).
A package that cannot be written never fails the load: the load is already published, and the
load's notes say why the package was not renewed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import time
from pathlib import Path

import pandas as pd

from dasbor import domain, settings, store
from dasbor.filters import Filters

FOLDER = "publik"  # what a web server serves: <data dir>/publik/
VERSIONS = "publik.d"  # one folder per published snapshot
PACKAGE = "datapackage.json"
DATA_CSV = "inovasi_daerah_publik.csv"  # the names the page's download buttons give
DICTIONARY_CSV = "kamus_data.csv"
LICENCE_FILE = "LICENSE.md"
NAME = "inovasi-daerah-publik"

LICENCE_TEXT = """# Lisensi / Licence

Data ini dilisensikan di bawah **Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)**:
https://creativecommons.org/licenses/by/4.0/legalcode.id

Anda boleh menyalin, menyebarluaskan, mengubah dan memakai data ini untuk tujuan apa pun, termasuk
komersial, asalkan menyebut sumbernya: **Dasbor Inovasi Daerah** (dengan tanggal data di
`datapackage.json`) dan menyatakan bila data diubah.

This data is licensed under the **Creative Commons Attribution 4.0 International licence (CC BY 4.0)**:
https://creativecommons.org/licenses/by/4.0/legalcode

You may copy, share, adapt and use it for any purpose, commercial ones included, provided you credit
**Dasbor Inovasi Daerah** (with the data's date in `datapackage.json`) and say if you changed it.
"""

_TYPES = {  # pandas dtype kind → Table Schema type
    "i": "integer",
    "u": "integer",
    "f": "number",
    "b": "boolean",
    "M": "date",
}


def _field_type(series: pd.Series) -> str:
    if isinstance(series.dtype, pd.BooleanDtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(series.dtype):
        return "integer"
    return _TYPES.get(getattr(series.dtype, "kind", "O"), "string")


def _contract_columns() -> dict:
    """Each public column's declaration in the loader's contract, where it comes from one."""
    from etl.contract import TABLE_BY_NAME

    found = {}
    for table in ("inovasi", "tahapan", "evaluasi"):
        for column in TABLE_BY_NAME[table].columns if table in TABLE_BY_NAME else ():
            found.setdefault(column.name, column)
    if "hasil" in found:
        found.setdefault("hasil_evaluasi_terakhir", found["hasil"])
    return found


def _enum(name: str, contract: dict) -> list[str] | None:
    from etl.contract import DOMAINS

    _, publik = _page_modules()
    if name == "tahap":
        return list(domain.CODES)
    if name == "tahap_terjauh":
        return list(publik.FROM_DECREE)
    if name == "kelompok":
        return sorted({s.group for s in domain.STAGES})
    column = contract.get(name)
    if column is not None and column.domain:
        return list(DOMAINS[column.domain])
    return None


def schema(rows: pd.DataFrame) -> dict:
    """The Table Schema of the public CSV: types from the rows, words from the dictionary and contract."""
    _, publik = _page_modules()

    meaning = {c: (id_text, en_text) for c, id_text, en_text in publik.DICTIONARY}
    contract = _contract_columns()
    fields = []
    for name in rows.columns:
        kind = _field_type(rows[name])
        id_text, en_text = meaning.get(name, (name, name))
        field = {"name": name, "type": kind, "title": en_text, "description": f"{id_text} / {en_text}"}
        column = contract.get(name)
        if column is not None:
            field["description"] += f" ({column.help_id} / {column.help_en})"
            if column.kind in ("uang",):
                field["constraints"] = {"minimum": 0}
        if kind == "date":
            field["format"] = "%Y-%m-%d"
        allowed = _enum(name, contract)
        if allowed:
            field.setdefault("constraints", {})["enum"] = allowed
        if name == "kode_inovasi":
            field.setdefault("constraints", {}).update({"required": True, "unique": True})
        fields.append(field)
    return {"fields": fields, "primaryKey": ["kode_inovasi"], "missingValues": [""]}


def _page_modules():
    """``dasbor.charts`` and ``dasbor.queries.publik``, imported outside a Streamlit server without
    Streamlit's warning that its caches run in memory (the loader's stderr stays one line or none)."""
    import logging

    import streamlit.runtime.caching.cache_data_api  # noqa: F401 (its logger exists from here on)

    quiet = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        from dasbor import charts
        from dasbor.queries import publik
    finally:
        quiet.setLevel(level)
    return charts, publik


def build(snapshot: Path) -> dict[str, bytes]:
    """The package's files for ``snapshot``, as bytes: the CSVs exactly as the page's downloads."""
    charts, publik = _page_modules()

    loaded = pd.Timestamp(store.query("select dimuat_pada from info_data", snapshot=snapshot).iloc[0, 0])
    files = {
        DATA_CSV: publik.csv(Filters(), "", snapshot),
        DICTIONARY_CSV: charts.csv_bytes(publik.dictionary(loaded)),
        LICENCE_FILE: LICENCE_TEXT.encode("utf-8"),
    }

    def resource(name: str, path: str, title: str, table_schema: dict, rows_n: int) -> dict:
        body = files[path]
        return {
            "name": name,
            "path": path,
            "profile": "tabular-data-resource",
            "title": title,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",  # with a byte-order mark, as the page gives it (Excel reads it right)
            "bytes": len(body),
            "hash": f"sha256:{hashlib.sha256(body).hexdigest()}",
            "rows": rows_n,
            "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
            "schema": table_schema,
        }

    dictionary = publik.dictionary(loaded)
    package = {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": "Inovasi daerah publik / Public regional innovations",
        "description": f"{publik.intro('id')}\n\n{publik.intro('en')}",
        "version": snapshot.name.removesuffix(".duckdb"),
        "created": loaded.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["inovasi daerah", "regional innovation", "Indonesia", "pelayanan publik", "public services"],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "sources": [{"title": "Dasbor Inovasi Daerah", "path": "/transparansi"}],
        "resources": [
            resource(
                NAME,
                DATA_CSV,
                "Inovasi publik / Public innovations",
                schema(publik.all_rows(Filters(), "", snapshot, limit=0)),
                publik.count(Filters(), "", snapshot),
            ),
            resource(
                "kamus-data",
                DICTIONARY_CSV,
                "Kamus data / Data dictionary",
                {
                    "fields": [
                        {"name": "kolom", "type": "string", "title": "column"},
                        {"name": "arti", "type": "string", "title": "meaning (Bahasa Indonesia)"},
                        {"name": "meaning", "type": "string", "title": "meaning (English)"},
                    ]
                },
                len(dictionary),
            ),
        ],
    }
    files[PACKAGE] = (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files


def folder(data_dir: Path | None = None) -> Path:
    """What a web server serves: the current package (a link to its version's folder)."""
    return Path(data_dir or settings.data_dir()) / FOLDER


def write(snapshot: Path, data_dir: Path | None = None) -> list[str]:
    """Write the package of ``snapshot`` and make it the one ``publik/`` shows, atomically; returns
    notes (a fallback used). Raises OSError (or StoreError) when it cannot be written."""
    root = Path(data_dir or settings.data_dir())
    files = build(snapshot)
    versions = root / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    version = snapshot.name.removesuffix(".duckdb")
    tmp = versions / f".{version}.{os.getpid()}.{secrets.token_hex(3)}"
    tmp.mkdir()
    try:
        for name, body in files.items():
            store.write_new(tmp / name, body)
        store._sync_dir(tmp)
        final = versions / version
        if final.exists():  # the same snapshot written again (a repeated call): replace its folder
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    store._sync_dir(versions)
    notes = _point(root, final)
    _prune(root, final)
    return notes


def _point(root: Path, final: Path) -> list[str]:
    """Make ``publik`` show ``final``: a new symbolic link renamed over the old one (atomic)."""
    link = root / FOLDER
    tmp = root / f".{FOLDER}.{os.getpid()}.{secrets.token_hex(3)}"
    try:
        os.symlink(Path(VERSIONS) / final.name, tmp, target_is_directory=True)  # relative: mountable anywhere
    except OSError:
        return _swap_folder(root, final)
    try:
        if link.is_dir() and not link.is_symlink():  # a folder left by the fallback below
            aside = root / f".{FOLDER}.old.{secrets.token_hex(3)}"
            os.rename(link, aside)
            shutil.rmtree(aside, ignore_errors=True)
        os.replace(tmp, link)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    store._sync_dir(root)
    return []


def _swap_folder(root: Path, final: Path) -> list[str]:
    """No symbolic links here: copy the version to ``publik`` by two renames (not atomic)."""
    link = root / FOLDER
    staged = root / f".{FOLDER}.new.{secrets.token_hex(3)}"
    shutil.copytree(final, staged)
    aside = root / f".{FOLDER}.old.{secrets.token_hex(3)}"
    if link.exists() or link.is_symlink():
        os.rename(link, aside)
    os.rename(staged, link)
    shutil.rmtree(aside, ignore_errors=True)
    with contextlib.suppress(OSError):
        aside.unlink()
    return [
        "publik/ diganti dengan dua rename (tautan simbolik tidak didukung di sini) / publik/ replaced by two "
        "renames (symbolic links are not supported here)"
    ]


def _prune(root: Path, current: Path) -> None:
    """Keep the versions of the kept snapshots (and the current one); remove older ones and temporary
    folders of writers that died (older than an hour)."""
    keep = {p.name.removesuffix(".duckdb") for p in store.published(root)} | {current.name}
    for path in (root / VERSIONS).iterdir():
        if path.name.startswith("."):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > 3600:
                    shutil.rmtree(path, ignore_errors=True)
            continue
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def publish(snapshot: Path, data_dir: Path | None = None, report=None) -> list[str]:
    """Called by the load's publish step: write the package, never fail the load. Returns the notes to
    add to the load's report (none when all went well); with ``report``, adds them and the time taken."""
    start = time.perf_counter()
    notes: list[str] = []
    try:
        notes.extend(write(snapshot, data_dir))
    except Exception as exc:  # the load is published already: say why the package was not renewed
        where = Path(data_dir or settings.data_dir()) / VERSIONS
        failure = store.io_failure(exc, where) if isinstance(exc, OSError) else None
        reason = str(failure) if failure else f"{type(exc).__name__}: {exc}"
        notes.append(f"paket data publik tidak diperbarui / public data package not renewed: {reason}")
    if report is not None:
        report.notices.extend(notes)
        report.seconds["datapackage"] = round(time.perf_counter() - start, 3)
    return notes
