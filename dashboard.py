"""Dasbor Inovasi Daerah: the front door. It only routes; pages live in pages/, shared code in dasbor/."""

from __future__ import annotations

import streamlit as st

from dasbor import auth

st.set_page_config(page_title="Dasbor Inovasi Daerah", layout="wide")
# Anyone not signed in lands on the public page; filters and language travel in the URL.
landing = "pages/1_ringkasan.py" if auth.current().role != "publik" else "pages/6_transparansi.py"
st.switch_page(landing, query_params=st.query_params.to_dict())
