"""Chart helpers: report text stays text in Plotly, spreadsheet formulas stay inert in downloads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dasbor import charts


def test_labels_and_hover_text_with_markup_are_escaped_and_clean_cells_kept():
    names = ["Layanan <b>Cepat</b>", "Kopi & Teh", "Biasa", "Satu > dua"]
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=[1, 2, 3, 4],
        text=["ok", "<br>", None, "7"],
        customdata=pd.DataFrame({"nama": names, "n": [10, 20, 30, 40]}),
        hovertext=["<i>a</i>", "b", "c", "d & e"],
    )
    charts.style(fig)
    bar = fig.data[0]
    assert list(bar.x) == ["Layanan &lt;b&gt;Cepat&lt;/b&gt;", "Kopi &amp; Teh", "Biasa", "Satu &gt; dua"]
    assert list(bar.y) == [1, 2, 3, 4]
    assert list(bar.text) == ["ok", "&lt;br&gt;", None, "7"]
    custom = np.asarray(bar.customdata, dtype=object)
    assert custom.shape == (4, 2)
    assert custom[:, 0].tolist() == list(bar.x) and custom[:, 1].tolist() == [10, 20, 30, 40]
    assert list(bar.hovertext) == ["&lt;i&gt;a&lt;/i&gt;", "b", "c", "d &amp; e"]


def test_a_trace_without_markup_is_left_as_it_was():
    fig = go.Figure()
    fig.add_scatter(x=[1.0, 2.0], y=[3.0, 4.0], customdata=[["A", 1], ["B", 2]])
    charts.style(fig)
    assert np.asarray(fig.data[0].customdata, dtype=object).tolist() == [["A", 1], ["B", 2]]


def test_csv_download_neutralises_formulas():
    raw = charts.csv_bytes(pd.DataFrame({"nama": ["=SUM(A1)", "biasa", "-1"], "n": [1, 2, 3]}))
    text = raw.decode("utf-8-sig").splitlines()
    assert text == ["nama,n", "'=SUM(A1),1", "biasa,2", "'-1,3"]


def test_numeric_axes_and_bar_labels_follow_the_reader_convention_and_dates_keep_theirs():
    import pandas as pd
    import plotly.graph_objects as go

    from dasbor import charts

    bars = charts.style(
        go.Figure(go.Bar(x=pd.Series([1200, 21574]), y=["a", "b"], orientation="h", text=pd.Series([1200, 21574]))),
        lang="id",
    )
    assert bars.layout.separators == ",."
    assert bars.layout.xaxis.tickformat == charts.AXIS_NUMBER  # thousands grouped, no SI '10k'
    assert bars.layout.yaxis.tickformat is None  # a category axis keeps Plotly's own
    assert bars.data[0].texttemplate == "%{text:,~f}"
    dated = charts.style(go.Figure(go.Scatter(x=pd.to_datetime(["2020-01-01", "2021-01-01"]), y=[1, 2])), lang="en")
    assert dated.layout.separators == ".,"
    assert dated.layout.xaxis.tickformat is None and dated.layout.yaxis.tickformat == charts.AXIS_NUMBER
    share = go.Figure(go.Bar(x=pd.Series([0.2, 0.5]), y=["a", "b"], orientation="h"))
    share.update_xaxes(tickformat=".0%")
    assert charts.style(share).layout.xaxis.tickformat == ".0%"  # a chart's own format is kept


def test_an_axis_of_years_reads_as_years_not_thousands():
    per_year = go.Figure(go.Bar(x=[2014, 2015, 2016], y=[1200, 30, 4]))
    styled = charts.style(per_year, lang="id")
    assert styled.layout.xaxis.tickformat == "d" and styled.layout.xaxis.dtick == 1  # 2017, never 2.017 or 2016.5
    assert styled.layout.yaxis.tickformat == charts.AXIS_NUMBER  # the counts keep their separators
    months = go.Figure(go.Scatter(x=[1, 2, 3], y=[2014, 2015, 2500]))  # 2500 is no year: a number axis
    assert charts.style(months).layout.yaxis.tickformat == charts.AXIS_NUMBER


def test_the_text_alternative_names_the_largest_values_per_series_or_of_the_stack():
    side_by_side = go.Figure(
        [go.Bar(x=[2014, 2015], y=[3, 1200], name="Usulan"), go.Bar(x=[2014, 2015], y=[8, 2], name="Ditetapkan")]
    )
    said = charts.summary(side_by_side, "Per tahun", "id").replace("\\", "")  # Markdown escapes dropped
    assert "Usulan: terbesar 1.200 pada 2015" in said and "Ditetapkan: terbesar 8 pada 2014" in said
    stacked = go.Figure(side_by_side.data, layout={"barmode": "stack"})
    assert "largest of 2: 2015 (1,202), 2014 (11)" in charts.summary(stacked, "Per year", "en").replace("\\", "")
    assert charts.summary(go.Figure(), "Empty", "en") == ""


def test_the_text_alternative_leaves_out_dashed_limit_lines():
    funnel = go.Figure(
        [
            go.Scatter(x=[1, 2, 3, 4], y=[0.9, 0.8, 0.7, 0.6], mode="lines", line={"dash": "dash"}, name="95% limits"),
            go.Scatter(x=[1, 2, 3], y=[0.5, 0.2, 0.4], mode="markers", name="Regions"),
        ]
    )
    said = charts.summary(funnel, "Funnel", "en")
    assert "limits" not in said and "3 points" in said
