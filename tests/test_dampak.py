"""Dampak: its cards, charts, tables and CSVs are one set of numbers."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from conftest import app_at, plotly_array
from dasbor import fmt, store


@pytest.mark.parametrize("params", [{}, {"jenis": "digital"}, {"tahun": "2018-2022", "lang": "en"}])
def test_dampak_results_chart_table_and_csv_agree(sample_data, downloads, params):
    lang = params.get("lang", "id")
    at = app_at("pages/4_dampak.py", params)
    files = downloads(at)
    csv = pd.read_csv(io.BytesIO(files["hasil_urusan.csv"]), encoding="utf-8-sig")
    (chart,) = [c for c in at.get("plotly_chart") if '"barmode":"stack"' in c.proto.spec]
    traces = json.loads(chart.proto.spec)["data"]
    for trace in traces:
        shares = plotly_array(trace["x"])
        assert shares == pytest.approx((csv[trace["name"]] / csv["n"]).tolist())
    group = "Kelompok" if lang == "id" else "Group"
    assert [f"{g} (n={fmt.number(n, lang)})" for g, n in zip(csv[group], csv["n"], strict=True)] == traces[0]["y"]
    # the beneficiaries card: the sum over the latest evaluations in view
    cards = {m.label: m.value for m in at.metric}
    total = cards["Penerima manfaat (jumlah)" if lang == "id" else "Beneficiaries (total)"]
    if not params:
        expected = store.query("select sum(penerima_manfaat) as n from evaluasi_terakhir").n[0]
        assert total == fmt.number(expected, lang)
