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
