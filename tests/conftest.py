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
    import tempfile

    root = tmp_path / "data"
    monkeypatch.setenv("INOVASI_DATA_DIR", str(root))
    # the sign-in count's fallback folder (read-only data folders) lands in this test's tmp_path
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
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


@pytest.fixture(scope="session")
def sample_snapshot(tmp_path_factory) -> Path:
    """A data folder with the sample batch loaded once per test session."""
    import os

    from etl.load import run
    from etl.sample import write_sample

    root = tmp_path_factory.mktemp("sample")
    batch = write_sample(root / "batch", innovations=1500, seed=2017)
    old = os.environ.get("INOVASI_DATA_DIR")
    os.environ["INOVASI_DATA_DIR"] = str(root / "data")
    try:
        assert run([batch], write=True).exit_code == 0
    finally:
        if old is None:
            del os.environ["INOVASI_DATA_DIR"]
        else:
            os.environ["INOVASI_DATA_DIR"] = old
    return root / "data"


@pytest.fixture
def sample_data(sample_snapshot, data_dir) -> Path:
    """This test's data folder, holding a copy of the sample snapshot."""
    import shutil

    shutil.copytree(sample_snapshot, data_dir)
    return data_dir


PASSWORD = "kata-sandi-uji-1"


def account(role: str, wilayah: tuple[str, ...] = (), name: str | None = None):
    """A local account in this test's data folder (created once)."""
    from dasbor import accounts
    from dasbor.reference import regions

    name = name or f"uji_{role}" + ("_" + "_".join(w.replace(".", "") for w in wilayah) if wilayah else "")
    existing = accounts.load().get(name)
    return existing or accounts.add(name, role, list(wilayah), PASSWORD, {r.kode for r in regions()})


def app_at(
    page: str | None = None,
    params: dict | None = None,
    timeout: int = 60,
    role: str | None = "nasional",
    wilayah: tuple[str, ...] = (),
):
    """AppTest from the real entrypoint, signed in as ``role`` (None: the public), switched to ``page``
    with URL ``params``, already run."""
    from streamlit.testing.v1 import AppTest

    from dasbor import accounts

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    if role:
        at.session_state["token"] = accounts.make_token(account(role, wilayah))
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        for k, v in (params or {}).items():
            at.query_params[k] = v
        at.run()
    assert not at.exception, at.exception
    return at


def plotly_array(value) -> list:
    """Plotly 7 writes numeric arrays as {'dtype', 'bdata'} (base64); plain lists pass through."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


@pytest.fixture
def downloads(monkeypatch):
    """Click every download button of an AppTest run: ``downloads(at)`` gives {file name: bytes},
    running each button's deferred callable as Streamlit does when a reader clicks it (AppTest has
    no click for a deferred download; its media manager is captured here instead)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import app_test

    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)

    def click_all(at) -> dict[str, bytes]:
        files = {}
        manager = managers[-1]  # the last run's
        for button in at.get("download_button"):
            file_id = button.proto.deferred_file_id
            if file_id:
                entry = manager._deferred_callables[file_id]
                data, name = entry["callable"](), entry["filename"]
            else:
                data, name = manager._storage.get_file(button.proto.url.split("/")[-1]).content, None
            files[name or button.proto.label] = data.encode() if isinstance(data, str) else bytes(data)
        return files

    return click_all
