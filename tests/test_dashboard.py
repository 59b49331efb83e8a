"""The front page, driven by Streamlit's AppTest against a real snapshot."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from conftest import INOVASI_HEADER, ROOT, inovasi_row, plotly_array, write_csv
from dasbor import accounts, store
from etl.load import run
from etl.sample import write_sample

TIMEOUT = 30


def total_in_stage_chart(at) -> int:
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    return sum(plotly_array(spec["data"][0]["x"]))


def app() -> AppTest:
    """Signed in as a national user, as the internal pages need."""
    from conftest import account

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state["token"] = accounts.make_token(account("nasional"))
    return at


def test_without_data_the_page_says_how_to_load():
    at = app().run()
    assert not at.exception
    assert "Belum ada data" in at.info[0].value
    assert not at.get("plotly_chart")


def test_sample_data_is_labelled_and_headlines_match_the_data(tmp_path):
    run([write_sample(tmp_path / "s", innovations=400, seed=1)], write=True)
    at = app().run()
    assert not at.exception
    assert "Data contoh" in at.warning[0].body
    assert at.title[0].value == "Ringkasan"
    total = store.query("select count(*) n from inovasi_status").n[0]
    assert total_in_stage_chart(at) == total >= 400  # 400 drawn, and the proposals that followed outreach events


def test_real_data_has_no_sample_banner_and_a_new_load_shows_on_rerun(tmp_path):
    write_csv(tmp_path / "a", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    run([tmp_path / "a"], write=True)
    at = app().run()
    assert not at.warning
    assert total_in_stage_chart(at) == 1
    write_csv(tmp_path / "b", "inovasi.csv", INOVASI_HEADER, [inovasi_row("B")])
    run([tmp_path / "b"], write=True)
    at.run()
    assert total_in_stage_chart(at) == 2
