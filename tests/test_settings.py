"""Every setting is documented in the README, with its environment variable and default."""

from __future__ import annotations

from conftest import ROOT
from dasbor.settings import SETTINGS


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"`{s.env}`" in readme, f"{s.env} is not documented in README.md"


def test_readme_opens_with_the_two_commands():
    lines = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.strip()]
    block = lines[lines.index("```bash") + 1 : lines.index("```")]
    assert block == ["bash scripts/start.sh", "bash scripts/test.sh"]


def test_the_package_address_is_empty_by_default_and_ends_in_a_slash(monkeypatch):
    from dasbor import settings

    monkeypatch.delenv("INOVASI_PACKAGE_URL", raising=False)
    assert settings.package_url() == ""  # a plain `streamlit run` serves no package: no link
    for given, used in (
        ("/publik/", "/publik/"),
        (" /publik ", "/publik/"),
        ("https://cdn.example/d", "https://cdn.example/d/"),
    ):
        monkeypatch.setenv("INOVASI_PACKAGE_URL", given)
        assert settings.package_url() == used


def test_the_balancers_that_serve_the_package_set_its_address_to_their_route():
    """serve.sh and compose route /publik/ to a file server (never to Streamlit), and say so to the page."""
    assert 'export INOVASI_PACKAGE_URL="${INOVASI_PACKAGE_URL:-/publik/}"' in (ROOT / "scripts/serve.sh").read_text()
    assert "acl static_package path_beg /publik/" in (ROOT / "scripts/serve.sh").read_text()
    assert "INOVASI_PACKAGE_URL: ${INOVASI_PACKAGE_URL:-/publik/}" in (ROOT / "compose.yaml").read_text()
    assert "acl static_package path_beg /publik/" in (ROOT / "deploy/haproxy.cfg").read_text()
    assert "\nINOVASI_PACKAGE_URL=/publik/\n" in (ROOT / "deploy/env.example").read_text()
