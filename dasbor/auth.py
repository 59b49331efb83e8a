"""Who is signed in, in the browser: local accounts with a signed cookie, or single sign-on.

The token is checked again on every run, so removing an account or changing its password ends its
sessions at once. The cookie is written by a tiny script (Streamlit has no server-side cookie
setter), so it is not HttpOnly; it holds a signed, expiring token, never a password or hash.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import streamlit as st

from dasbor import accounts, settings
from dasbor.access import ROLES, Viewer

COOKIE = "dasbor_sesi"
PUBLIC = Viewer("publik")


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets.toml at all
        return False


def sso_viewer(email: str, claims: dict) -> Viewer:
    """Role and regions of a single-sign-on user: claims 'role'/'wilayah' first, then the mapping file."""
    role, regions = claims.get("role"), claims.get("wilayah")
    if role in ROLES:
        wilayah = regions if isinstance(regions, list) else [r for r in str(regions or "").split() if r]
        return Viewer(role, tuple(wilayah), email)
    path = Path(settings.get("oidc_map") or settings.data_dir() / "oidc_map.csv")
    if path.exists():
        with open(path, encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row.get("email", "").strip().lower() == email.lower() and row.get("role") in ROLES:
                    return Viewer(row["role"], tuple((row.get("wilayah") or "").split()), email)
    return Viewer("publik", (), email)


def current() -> Viewer:
    state = st.session_state
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        return sso_viewer(str(st.user.get("email", "")), dict(st.user))
    token = state.get("token")
    if token is None and not state.get("signed_out"):
        token = st.context.cookies.get(COOKIE)
    account = accounts.check_token(token)
    return account.viewer() if account else PUBLIC


def flush_cookie() -> None:
    """Write (or clear) the session cookie asked for by the previous run."""
    pending = st.session_state.pop("cookie_pending", None)
    if pending is not None:
        _write_cookie(*pending)


def _write_cookie(value: str, seconds: int) -> None:
    # An HTML iframe shares the app's origin, so its script can set the app's cookie. ``value`` is our
    # own token (base64url, digits, hex and "|"), never text from a user or a report.
    st.iframe(
        "<script>parent.document.cookie = "
        f"'{COOKIE}={value}; path=/; max-age={seconds}; SameSite=Strict'"
        " + (parent.location.protocol === 'https:' ? '; Secure' : '');</script>",
        height=1,
    )


def sign_in_form(lang: str) -> None:
    t = (lambda a, b: a) if lang == "id" else (lambda a, b: b)
    if _sso_configured() and st.sidebar.button(t("Masuk dengan SSO", "Sign in with SSO")):
        st.login()
    with st.sidebar.form("masuk", clear_on_submit=True):
        st.markdown(t("**Masuk**", "**Sign in**"))
        name = st.text_input("Nama pengguna" if lang == "id" else "Nama pengguna (user name)")
        password = st.text_input("Kata sandi" if lang == "id" else "Kata sandi (password)", type="password")
        submitted = st.form_submit_button("Masuk")
    if not submitted:
        return
    wait = accounts.locked_for(name)
    if wait:
        st.sidebar.error(
            t(
                f"Terlalu banyak percobaan gagal. Coba lagi dalam {wait} detik.",
                f"Too many failed attempts. Try again in {wait} seconds.",
            )
        )
        return
    account = accounts.verify(name, password)
    if account is None:
        time.sleep(0.5)  # slows down guessing; the lock-out stops it
        st.sidebar.error(t("Nama pengguna atau kata sandi salah.", "Wrong user name or password."))
        return
    try:
        token = accounts.make_token(account)
    except accounts.SecretError as exc:  # no session secret can be kept: one sentence, the page goes on
        st.sidebar.error(t(exc.id, exc.en))
        return
    st.session_state["token"] = token
    st.session_state.pop("signed_out", None)
    # Written on the next run: a rerun now would drop the script before the browser ran it.
    st.session_state["cookie_pending"] = (token, int(3600 * float(settings.get("session_hours"))))
    st.rerun()


def sign_out_button(viewer: Viewer, lang: str) -> None:
    role = {"daerah": ("daerah", "region"), "nasional": ("nasional", "national"), "admin": ("admin", "admin")}
    st.sidebar.caption(
        ("Masuk sebagai " if lang == "id" else "Signed in as ")
        + f"**{viewer.name}** ({role[viewer.role][0 if lang == 'id' else 1]})"
    )
    if st.sidebar.button("Keluar" if lang == "id" else "Sign out"):
        st.session_state["token"] = None
        st.session_state["signed_out"] = True
        st.session_state["cookie_pending"] = ("", 0)
        if _sso_configured() and getattr(st.user, "is_logged_in", False):
            st.logout()  # navigates the browser to clear the sign-on cookie: a rerun here would cancel it
            return
        st.rerun()
