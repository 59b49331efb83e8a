"""Single sign-on through Streamlit's st.login against a local OpenID provider (oidc-provider-mock)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from tests.e2e.conftest import Page, _free_port, start_dashboard, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sso(server, tmp_path_factory):
    """A provider with two users (one with role claims, one mapped by e-mail) and a dashboard using it."""
    root = tmp_path_factory.mktemp("sso")
    idp_port, app_port = _free_port(), _free_port()
    users = [
        {"sub": "deputi", "email": "deputi@lan.go.id", "role": "nasional"},
        {"sub": "bupati", "email": "bupati@daerah.go.id"},  # no role claim: the mapping file decides
    ]
    idp_log = root / "idp.log"
    idp = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oidc_provider_mock",
            "--port",
            str(idp_port),
            *[arg for u in users for arg in ("--user-claims", json.dumps(u))],
        ],
        stdout=open(idp_log, "w"),  # noqa: SIM115 - open for the server's life
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{idp_port}"
    wait_for(f"{base}/.well-known/openid-configuration", idp, idp_log)
    secrets = root / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        'cookie_secret = "uji-sso-rahasia-cookie-yang-panjang"\n'
        'client_id = "dasbor"\nclient_secret = "rahasia-klien"\n'
        f'server_metadata_url = "{base}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    mapping = root / "oidc_map.csv"
    mapping.write_text(f"email,role,wilayah\nbupati@daerah.go.id,daerah,{server['region']}\n", encoding="utf-8")
    env = {**server["env"], "INOVASI_OIDC_MAP": str(mapping)}
    app, app_url = start_dashboard(env, root / "app.log", "--secrets.files", str(secrets), port=app_port)
    yield {"app": app_url, "idp": base}
    for proc in (app, idp):
        proc.terminate()
        proc.wait(timeout=20)


def _sign_in_with_sso(page: Page, sub: str) -> None:
    page.goto("/")
    page.page.get_by_role("button", name="Masuk dengan SSO").click()
    page.page.wait_for_url("**/oauth2/authorize**")
    page.page.get_by_role("button", name=sub, exact=True).click()
    page.page.wait_for_url(f"{page.base}/**")
    page.settle()


@pytest.fixture
def sso_tab(browser, sso, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = Page(context.new_page(), sso["app"], request.node.name)
    # The provider's own page links a stylesheet from a CDN this machine cannot reach; not our error.
    page.page.remove_listener("console", page._console)
    page.page.on("console", lambda m: None if sso["idp"] in page.page.url else page._console(m))
    yield page
    errors = list(page.errors)
    context.close()
    assert not errors, errors


def test_sso_user_with_a_role_claim_signs_in_and_out(sso_tab):
    _sign_in_with_sso(sso_tab, "deputi")
    assert sso_tab.title() == "Ringkasan"
    assert "deputi@lan.go.id" in sso_tab.page.locator('[data-testid="stSidebar"]').inner_text()
    sso_tab.check(charts=7, label="sso-ringkasan")
    sso_tab.page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Keluar").click()
    # st.logout clears the sign-on cookies and hands over to the provider to end its session there.
    sso_tab.page.wait_for_url("**/oauth2/end_session**", timeout=30_000)
    assert not [c for c in sso_tab.page.context.cookies() if c["name"].startswith("_streamlit_user")]
    sso_tab.goto("/")
    assert sso_tab.title() == "Transparansi"
    # The title can be drawn before the sidebar is: wait for the button (fails if it never comes).
    sso_tab.page.get_by_role("button", name="Masuk dengan SSO").wait_for(timeout=20_000)
    assert sso_tab.page.get_by_role("button", name="Masuk dengan SSO").count() == 1


def test_sso_user_mapped_by_email_sees_only_their_region(sso_tab, server):
    _sign_in_with_sso(sso_tab, "bupati")
    assert "(daerah)" in sso_tab.page.locator('[data-testid="stSidebar"]').inner_text()
    sso_tab.menu("Katalog")
    rows = list(csv.DictReader(io.StringIO(sso_tab.download("Unduh CSV"))))
    assert rows and {r["Wilayah"] for r in rows} == {server["region_name"]}
    sso_tab.check(label="sso-katalog-daerah")
