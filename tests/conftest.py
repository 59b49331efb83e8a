"""Shared fixtures: a fresh data folder per test, caches cleared, and tiny files built in the test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dasbor import store  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets its own INOVASI_DATA_DIR and starts with no cached readers or results."""
    root = tmp_path / "data"
    monkeypatch.setenv("INOVASI_DATA_DIR", str(root))
    store.close_readers()
    try:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    except ImportError:
        pass
    yield root
    store.close_readers()


def write_csv(
    folder: Path, name: str, header: list[str], rows: list[list[str]], sep: str = ";", bom: bool = False
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode("utf-8"))
    return path


INOVASI_HEADER = [
    "kode_inovasi",
    "nama_inovasi",
    "kode_wilayah",
    "nama_wilayah",
    "perangkat_daerah",
    "inisiator",
    "bentuk",
    "jenis",
    "tanggal_usulan",
]


def inovasi_row(
    kode: str,
    kode_wilayah: str = "71.07",
    nama_wilayah: str = "",
    tanggal: str = "22/11/2017",
    inisiator: str = "perangkat_daerah",
    jenis: str = "digital",
) -> list[str]:
    return [
        kode,
        f"Inovasi {kode}",
        kode_wilayah,
        nama_wilayah,
        "Dinas Kesehatan",
        inisiator,
        "pelayanan_publik",
        jenis,
        tanggal,
    ]
