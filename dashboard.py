"""Dasbor Inovasi Daerah: the front door. It only routes; pages live in pages/, shared code in dasbor/."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Dasbor Inovasi Daerah", layout="wide")
# Filters and language travel in the URL, so a shared link opens the same view.
st.switch_page("pages/1_ringkasan.py", query_params=st.query_params.to_dict())
