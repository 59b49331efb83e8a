"""Every download button on every page, for every role that may open the page, is clicked and gives
a file: a CSV that reads back with a header, or the template workbook."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from conftest import app_at
from dasbor.frame import PAGE_ROLES, PAGES

ROLES = ("publik", "daerah", "nasional", "admin")
CASES = [
    (key, script, role)
    for key, script, _, _ in PAGES
    for role in ROLES
    if role in PAGE_ROLES[key] and not (role == "admin" and key not in ("kelola", "ringkasan"))
]


@pytest.mark.parametrize(("key", "script", "role"), CASES, ids=[f"{k}-{r}" for k, _, r in CASES])
def test_every_download_button_gives_a_file(sample_data, downloads, key, script, role):
    from dasbor import store

    # a region account: the region with the most innovations in the sample
    busiest = store.query("select kode_wilayah from inovasi group by all order by count(*) desc, 1 limit 1")
    wilayah = (busiest.kode_wilayah[0],) if role == "daerah" else ()
    at = app_at(script, role=None if role == "publik" else role, wilayah=wilayah)
    files = downloads(at)
    assert files, f"{key} as {role}: no download button"
    for name, data in files.items():
        assert data, f"{key} as {role}: {name} is empty"
        if name.endswith(".csv"):
            frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
            assert len(frame.columns) >= 1, name
        elif name.endswith(".xlsx"):
            assert data[:2] == b"PK", name  # a zip container: a workbook
    # a filtered view too: the buttons still give files (names may carry the filter's choices)
    filtered = app_at(script, {"tahun": "2019-2022"}, role=None if role == "publik" else role, wilayah=wilayah)
    assert all(downloads(filtered).values())
