"""Ringkasan: its cards, chart, table and CSV are one set of numbers."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from conftest import app_at, plotly_array
from dasbor import store


@pytest.mark.parametrize(
    ("params", "role"),
    [({}, "nasional"), ({"jenis": "digital"}, "nasional"), ({}, "daerah"), ({"tahun": "2019-2022"}, "nasional")],
)
def test_ringkasan_cards_chart_table_and_csv_agree(sample_data, downloads, params, role):
    """The headline cards, the per-year chart, its table and its CSV are one set of numbers."""
    busiest = store.query("select kode_wilayah from inovasi group by all order by count(*) desc, 1 limit 1")
    wilayah = (busiest.kode_wilayah[0],) if role == "daerah" else ()
    at = app_at("pages/1_ringkasan.py", params, role=role, wilayah=wilayah)
    cards = {m.label: int(m.value.replace(".", "")) for m in at.metric}
    (chart,) = [c for c in at.get("plotly_chart") if "Jumlah inovasi" in c.proto.spec]
    bars = {
        tr["name"]: dict(zip(plotly_array(tr["x"]), plotly_array(tr["y"]), strict=True))
        for tr in json.loads(chart.proto.spec)["data"]
    }
    csv = pd.read_csv(io.BytesIO(downloads(at)["per_tahun.csv"]), encoding="utf-8-sig")
    from_csv = {(r.Peristiwa, r.Tahun): r.Jumlah for r in csv.itertuples()}
    assert from_csv == {(name, year): n for name, ys in bars.items() for year, n in ys.items()}
    table = next(d.value for d in at.dataframe if "Peristiwa" in d.value.columns)
    assert {(r.Peristiwa, r.Tahun): r.Jumlah for r in table.itertuples()} == from_csv
    notice = [c.value for c in at.caption if "Filter tahun usulan tidak diterapkan di sini" in c.value]
    if "tahun" in params:
        assert notice  # the cards count every proposal year: the page says so
        return
    assert not notice
    year = max(bars["Usulan"])  # the headline period is the latest year, to its latest date
    assert cards["Usulan baru"] == bars["Usulan"][year]
    assert cards["Ditetapkan"] == bars["Ditetapkan"].get(year, 0)
    assert cards["Mulai diterapkan"] == bars["Diterapkan"].get(year, 0)
