"""Who is signed in, in the browser: local accounts with a signed cookie, or single sign-on.

The token is checked against the accounts file on every run, so signing out ("Keluar"), a new
password, removing the account or ``python -m etl users logout NAME`` ends it on the server: a copy
of it replayed from another browser signs nobody in. The cookie is written by a tiny script
(Streamlit has no server-side cookie setter), so it is not HttpOnly and scripts on the page can read
it; it holds a signed, expiring token, never a password or hash.

Sign-in attempts are throttled per name and client address (``accounts.sign_in``); the address is the
connection's, or, when that is a proxy listed in INOVASI_TRUSTED_PROXIES, the client it names in
X-Forwarded-For.
"""

from __future__ import annotations

import csv
import ipaddress
import time
from pathlib import Path

import streamlit as st

from dasbor import accounts, i18n, settings
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
    """The viewer of this run: the single-sign-on user, else the account whose token (this session's,
    else the cookie's) still checks against the accounts file, else the public."""
    state = st.session_state
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        return sso_viewer(str(st.user.get("email", "")), dict(st.user))
    token = state.get("token")
    if token is None and not state.get("signed_out"):
        token = st.context.cookies.get(COOKIE)
    account = accounts.check_token(token)
    return account.viewer() if account else PUBLIC


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies() -> tuple[Network, ...]:
    """INOVASI_TRUSTED_PROXIES as networks; UnavailableError naming an entry that is neither an address
    nor a network (sign-in then says so rather than trusting the wrong hop)."""
    networks = []
    for item in settings.get("trusted_proxies").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise accounts.UnavailableError(
                f"Masuk tidak tersedia: INOVASI_TRUSTED_PROXIES memuat '{item}', yang bukan alamat IP atau "
                "jaringan (misalnya 10.0.0.5 atau 10.0.0.0/24).",
                f"Sign-in is unavailable: INOVASI_TRUSTED_PROXIES holds '{item}', which is not an IP address or "
                "network (for example 10.0.0.5 or 10.0.0.0/24).",
            ) from None
    return tuple(networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped else ip


def address_of(peer: str | None, forwarded: list[str], trusted: tuple[Network, ...]) -> str:
    """The client's address: the connection's ``peer`` (None, as Streamlit gives a loopback peer, is
    127.0.0.1); when the peer is a trusted proxy, the nearest address in the X-Forwarded-For headers
    ``forwarded`` (read from the right, the end each proxy appends to) that is not a trusted proxy.
    A hop that is not an address stops the walk: anything left of it may have been made up."""
    peer_ip = _ip(peer or "127.0.0.1")
    if peer_ip is None:
        return (peer or "").strip()

    def is_trusted(ip) -> bool:
        return any(ip in network for network in trusted)

    client = peer_ip
    if is_trusted(client):
        hops = [hop for header in forwarded for hop in header.split(",") if hop.strip()]
        for hop in reversed(hops):
            ip = _ip(hop)
            if ip is None:
                break
            client = ip
            if not is_trusted(ip):
                break
    return str(client)


def client_address() -> str:
    """This session's client address, from Streamlit's request context."""
    return address_of(st.context.ip_address, st.context.headers.get_all("X-Forwarded-For"), trusted_proxies())


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
    t = i18n.translator(lang)
    if _sso_configured() and st.sidebar.button(t("Masuk dengan SSO")):
        st.login()
    problem = st.session_state.pop("signout_problem", None)
    if problem:
        st.sidebar.error(t("Anda keluar di peramban ini, tetapi {cause}.", cause=i18n.pick(lang, *problem)))
    with st.sidebar.form("masuk", clear_on_submit=True):
        st.markdown(t("**Masuk**"))
        name = st.text_input(t("Nama pengguna"))
        password = st.text_input(t("Kata sandi"), type="password")
        submitted = st.form_submit_button(t("Masuk"))
    if not submitted:
        return
    try:
        attempt = accounts.sign_in(name, password, client_address())
        token = accounts.make_token(attempt.account) if attempt.account else None
    except accounts.UnavailableError as exc:  # no secret, or attempts cannot be counted: one sentence
        st.sidebar.error(i18n.pick(lang, exc.id, exc.en))
        return
    if not attempt.checked:
        st.sidebar.error(
            t(
                "Terlalu banyak percobaan gagal. Coba lagi dalam {duration_wait}.",
                duration_wait=_duration(attempt.wait, lang),
            )
        )
        return
    if token is None:
        time.sleep(0.5)  # slows a single session down; the throttle holds the rest back
        wrong = t("Nama pengguna atau kata sandi salah.")
        if attempt.wait:
            wrong += t(" Coba lagi dalam {duration_wait}.", duration_wait=_duration(attempt.wait, lang))
        st.sidebar.error(wrong)
        return
    st.session_state["token"] = token
    st.session_state.pop("signed_out", None)
    # Written on the next run: a rerun now would drop the script before the browser ran it.
    st.session_state["cookie_pending"] = (token, int(3600 * float(settings.get("session_hours"))))
    st.rerun()


def _duration(seconds: int, lang: str) -> str:
    if seconds >= 120:
        minutes = -(-seconds // 60)
        return i18n.tr(lang, "{minutes} menit", minutes=minutes)
    if lang == "id":
        return f"{seconds} detik"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def sign_out_button(viewer: Viewer, lang: str) -> None:
    role = {"daerah": ("daerah", "region"), "nasional": ("nasional", "national"), "admin": ("admin", "admin")}
    st.sidebar.caption(
        (i18n.tr(lang, "Masuk sebagai ")) + f"**{viewer.name}** ({role[viewer.role][0 if lang == 'id' else 1]})"
    )
    if st.sidebar.button(i18n.tr(lang, "Keluar")):
        sso = _sso_configured() and getattr(st.user, "is_logged_in", False)
        if not sso:
            # Ends the account's sessions on the server: this token, and every copy of it, stops working.
            try:
                accounts.end_sessions(viewer.name)
            except accounts.UnavailableError as exc:  # signed out here only; the page says so after the rerun
                st.session_state["signout_problem"] = (exc.id, exc.en)
            except accounts.AccountError:
                pass  # the account is gone: its tokens already sign nobody in
        st.session_state["token"] = None
        st.session_state["signed_out"] = True
        st.session_state["cookie_pending"] = ("", 0)
        if sso:
            st.logout()  # navigates the browser to clear the sign-on cookie: a rerun here would cancel it
            return
        st.rerun()
