"""Local accounts: bcrypt-hashed passwords in a JSON file beside (never inside) the data snapshots,
signed session tokens for the browser cookie, and a limit on repeated failed sign-ins."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import bcrypt

from dasbor import settings
from dasbor.access import ROLES, Viewer

MAX_FAILURES = 5  # failed attempts per name before a lock-out
LOCK_SECONDS = 300


class AccountError(Exception):
    """An account cannot be created or changed as asked."""


@dataclass
class Account:
    name: str
    role: str
    wilayah: list[str] = field(default_factory=list)
    hash: str = ""

    def viewer(self) -> Viewer:
        return Viewer(self.role, tuple(self.wilayah), self.name)


def _path() -> Path:
    return Path(settings.get("accounts_file") or settings.data_dir() / "accounts.json")


def load() -> dict[str, Account]:
    path = _path()
    if not path.exists():
        return {}
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {r["name"]: Account(**r) for r in rows}


def _save(accounts: dict[str, Account]) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps([asdict(a) for a in accounts.values()], indent=1), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise AccountError("kata sandi minimal 10 karakter / password needs at least 10 characters")


def add(name: str, role: str, wilayah: list[str], password: str, known_regions: set[str]) -> Account:
    if role not in ROLES or role == "publik":
        raise AccountError(f"peran '{role}' tidak dikenal; pilih daerah, nasional atau admin")
    if not name or not name.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise AccountError("nama pengguna hanya huruf, angka, titik, garis bawah atau tanda hubung")
    unknown = [w for w in wilayah if w not in known_regions]
    if unknown:
        raise AccountError(f"kode wilayah tidak dikenal: {', '.join(unknown)}")
    if role == "daerah" and not wilayah:
        raise AccountError("akun daerah perlu --wilayah KODE (kode provinsi mencakup kabupaten/kotanya)")
    accounts = load()
    if name in accounts:
        raise AccountError(f"pengguna '{name}' sudah ada; pakai `users passwd` untuk mengganti kata sandi")
    _check_password(password)
    account = Account(name, role, list(wilayah), bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode())
    accounts[name] = account
    _save(accounts)
    return account


def remove(name: str) -> None:
    accounts = load()
    if name not in accounts:
        raise AccountError(f"pengguna '{name}' tidak ada")
    del accounts[name]
    _save(accounts)


def passwd(name: str, password: str) -> None:
    accounts = load()
    if name not in accounts:
        raise AccountError(f"pengguna '{name}' tidak ada")
    _check_password(password)
    accounts[name].hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()
    _save(accounts)


_failures: dict[str, list[float]] = {}
_failures_lock = threading.Lock()


def locked_for(name: str) -> int:
    """Seconds until ``name`` may try again (0 when not locked)."""
    with _failures_lock:
        recent = [t for t in _failures.get(name, []) if time.time() - t < LOCK_SECONDS]
        _failures[name] = recent
        if len(recent) < MAX_FAILURES:
            return 0
        return int(LOCK_SECONDS - (time.time() - recent[-MAX_FAILURES])) + 1


def verify(name: str, password: str) -> Account | None:
    """The account when the password is right; None otherwise (and the failure is counted)."""
    if locked_for(name):
        return None
    account = load().get(name)
    # Hash even for unknown names, so timing does not reveal which names exist.
    stored = account.hash.encode() if account else bcrypt.hashpw(b"x", bcrypt.gensalt())
    if bcrypt.checkpw(password.encode(), stored) and account:
        with _failures_lock:
            _failures.pop(name, None)
        return account
    with _failures_lock:
        _failures.setdefault(name, []).append(time.time())
    return None


def _secret() -> bytes:
    path = _path().with_name(".session_secret")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".session_secret.{os.getpid()}")
        tmp.write_bytes(secrets.token_bytes(32))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return path.read_bytes()


def _sign(payload: str) -> str:
    return hmac.new(_secret(), payload.encode(), hashlib.sha256).hexdigest()


def make_token(account: Account) -> str:
    """name|expiry|fingerprint|signature; the fingerprint changes with the password, ending old sessions."""
    expiry = int(time.time() + 3600 * float(settings.get("session_hours")))
    fingerprint = hashlib.sha256(account.hash.encode()).hexdigest()[:16]
    payload = f"{base64.urlsafe_b64encode(account.name.encode()).decode()}|{expiry}|{fingerprint}"
    return f"{payload}|{_sign(payload)}"


def check_token(token: str | None) -> Account | None:
    if not token or token.count("|") != 3:
        return None
    payload, signature = token.rsplit("|", 1)
    if not hmac.compare_digest(_sign(payload), signature):
        return None
    name_b64, expiry, fingerprint = payload.split("|")
    try:
        name = base64.urlsafe_b64decode(name_b64.encode()).decode()
    except ValueError:
        return None
    account = load().get(name)
    if account is None or int(expiry) < time.time():
        return None
    if hashlib.sha256(account.hash.encode()).hexdigest()[:16] != fingerprint:
        return None
    return account
