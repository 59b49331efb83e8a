"""Every setting of the product, declared once: name, environment variable, default and help.

The README's settings table is checked against this list by a test, so a setting cannot exist
without being documented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def raw(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "INOVASI_DATA_DIR",
        str(ROOT / "data"),
        "Folder holding the database snapshots, the pointer to the current one and the load lock.",
    ),
    Setting(
        "keep_snapshots",
        "INOVASI_KEEP_SNAPSHOTS",
        "3",
        "How many published snapshots to keep; older ones are deleted after a load.",
    ),
    Setting(
        "load_user",
        "INOVASI_USER",
        "",
        "Name recorded in the load history; empty means the operating-system user.",
    ),
    Setting(
        "accounts_file",
        "INOVASI_ACCOUNTS_FILE",
        "",
        "JSON file of local accounts (bcrypt hashes); empty means accounts.json in the data folder, outside the snapshots.",
    ),
    Setting(
        "session_secret",
        "INOVASI_SESSION_SECRET",
        "",
        "Key (at least 32 random characters) that signs sign-in tokens; empty means a random key kept in "
        "INOVASI_SECRET_FILE. Set it when that file cannot be written (a read-only data folder).",
    ),
    Setting(
        "secret_file",
        "INOVASI_SECRET_FILE",
        "",
        "File holding the key that signs sign-in tokens, created at the first sign-in; empty means "
        ".session_secret beside the accounts file. Point it at a writable place when the data folder is read-only.",
    ),
    Setting(
        "session_hours",
        "INOVASI_SESSION_HOURS",
        "12",
        "How long a sign-in lasts in the browser cookie before the user must sign in again.",
    ),
    Setting(
        "signin_file",
        "INOVASI_SIGNIN_FILE",
        "",
        "File counting failed sign-ins (shared, under a lock, by every dashboard process); empty means "
        "signin.json beside the accounts file, or a private folder in the system's temporary folder when that "
        "place cannot be written.",
    ),
    Setting(
        "trusted_proxies",
        "INOVASI_TRUSTED_PROXIES",
        "",
        "Addresses or networks (comma- or space-separated, e.g. 10.0.0.5, 10.1.0.0/16) of reverse proxies whose "
        "X-Forwarded-For header names the client; empty means the connection's own address is the client's.",
    ),
    Setting(
        "oidc_map",
        "INOVASI_OIDC_MAP",
        "",
        "CSV (email,role,wilayah) mapping single-sign-on users to roles; empty means oidc_map.csv in the data folder.",
    ),
    Setting(
        "max_upload_mb",
        "INOVASI_MAX_UPLOAD_MB",
        "200",
        "Largest file, in megabytes, that the loader accepts.",
    ),
    Setting(
        "reader_memory_mb",
        "INOVASI_READER_MEMORY_MB",
        "256",
        "Memory, in megabytes, that the dashboard's DuckDB reader of a snapshot may hold (its cache and "
        "its queries); a query needing more spills to disk beside the snapshot.",
    ),
    Setting(
        "package_url",
        "INOVASI_PACKAGE_URL",
        "",
        "Address (a path such as /publik/, or a full URL) where a web server serves the static data package of "
        "<data folder>/publik/; the Transparansi page links to it. Empty means no link (nothing serves the "
        "package under a plain streamlit run); scripts/serve.sh and compose.yaml set /publik/.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    return _BY_NAME[name].raw()


def data_dir() -> Path:
    return Path(get("data_dir"))


def keep_snapshots() -> int:
    return max(1, int(get("keep_snapshots")))


def max_upload_bytes() -> int:
    return int(float(get("max_upload_mb")) * 1024 * 1024)


def package_url() -> str:
    """Where the static data package is served, ending in a slash; "" when nothing serves it."""
    url = get("package_url").strip()
    return url if not url or url.endswith("/") else url + "/"
