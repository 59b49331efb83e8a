"""Local accounts: bcrypt-hashed passwords in a JSON file beside (never inside) the data snapshots,
signed session tokens for the browser cookie, and a limit on repeated failed sign-ins.

The session secret that signs the tokens comes from INOVASI_SESSION_SECRET, or from a file
(INOVASI_SECRET_FILE, by default ``.session_secret`` beside the accounts file) created at the first
sign-in; when neither can be had, sign-in says so in one sentence (SecretError) and reading goes on.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import bcrypt

from dasbor import settings, store
from dasbor.access import ROLES, Viewer

MAX_FAILURES = 5  # failed attempts per name before a lock-out
LOCK_SECONDS = 300


class AccountError(Exception):
    """An account cannot be created or changed as asked."""


class SecretError(AccountError):
    """No session secret can be had, so nobody can sign in; ``id``/``en`` say why and what to set."""

    def __init__(self, id_text: str, en_text: str):
        self.id, self.en = id_text, en_text
        super().__init__(f"{id_text} / {en_text}")


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
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {r["name"]: Account(**r) for r in rows}
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise AccountError(
            f"berkas akun {path} tidak dapat dibaca ({type(exc).__name__}); pulihkan dari cadangan / "
            f"the accounts file {path} cannot be read ({type(exc).__name__}); restore it from a backup"
        ) from exc


def _temp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}")


def _write_private(path: Path, data: bytes) -> None:
    """Write ``path`` atomically, readable by its owner only: a new file flushed to the disk, then
    renamed over the old one. On failure the temporary file is removed and the old file stands."""
    tmp = _temp(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()  # this process's own, from an earlier failure
        store.write_new(tmp, data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def _save(accounts: dict[str, Account]) -> None:
    path = _path()
    clean_debris()
    try:
        _write_private(path, json.dumps([asdict(a) for a in accounts.values()], indent=1).encode("utf-8"))
    except OSError as exc:
        what = ("akun tidak berubah", "the accounts are unchanged")
        raise AccountError(str(store.write_failure(exc, path.parent, "INOVASI_ACCOUNTS_FILE", what))) from exc


def clean_debris() -> list[str]:
    """Remove temporary files (``.accounts.json.<pid>``, ``.session_secret.<pid>``) that processes which
    ended left beside the accounts file and the session secret; one line each on what was removed."""
    done = []
    for path in {_path(), _secret_path()}:
        with contextlib.suppress(OSError):
            for tmp in path.parent.glob(f".{path.name}.*"):
                found = re.fullmatch(rf"\.{re.escape(path.name)}\.(\d+)", tmp.name)
                if not found or int(found.group(1)) == os.getpid():
                    continue
                if store.process_gone(int(found.group(1)), tmp.lstat().st_mtime):
                    with contextlib.suppress(OSError):
                        tmp.unlink()
                        done.append(
                            f"dihapus {tmp} (berkas sementara proses yang terhenti) / "
                            f"removed {tmp} (temporary file of a stopped process)"
                        )
    return done


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


SECRET_BYTES = 32


def _secret_path() -> Path:
    return Path(settings.get("secret_file") or _path().with_name(".session_secret"))


def _no_secret(cause_id: str, cause_en: str) -> SecretError:
    return SecretError(
        f"Masuk tidak tersedia karena rahasia sesi tidak dapat disimpan: {cause_id}; atur INOVASI_SESSION_SECRET, "
        "atau INOVASI_SECRET_FILE ke tempat yang dapat ditulis.",
        f"Sign-in is unavailable because the session secret cannot be stored: {cause_en}; set "
        "INOVASI_SESSION_SECRET, or INOVASI_SECRET_FILE to a writable place.",
    )


def _secret() -> bytes:
    """The key that signs session tokens: INOVASI_SESSION_SECRET, else the secret file (created with a
    random key when absent). SecretError when neither can be had: sign-in then says so."""
    given = settings.get("session_secret")
    if given:
        if len(given) < SECRET_BYTES:
            raise SecretError(
                f"Masuk tidak tersedia: INOVASI_SESSION_SECRET perlu minimal {SECRET_BYTES} karakter acak.",
                f"Sign-in is unavailable: INOVASI_SESSION_SECRET needs at least {SECRET_BYTES} random characters.",
            )
        return given.encode("utf-8")
    path = _secret_path()
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = b""
    except OSError as exc:
        raise _no_secret(
            f"{path} tidak dapat dibaca ({exc.strerror})", f"{path} cannot be read ({exc.strerror})"
        ) from exc
    if len(key) >= SECRET_BYTES:
        return key
    tmp = _temp(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        store.write_new(tmp, secrets.token_bytes(SECRET_BYTES))
        os.chmod(tmp, 0o600)
        if key:  # too short to trust (cut off): replaced
            os.replace(tmp, path)
        else:  # created only if no other process did meanwhile: everyone signs with one key
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            except OSError as exc:  # a file system without hard links
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                os.replace(tmp, path)
            tmp.unlink(missing_ok=True)
        return path.read_bytes()
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise _no_secret(*store.write_cause(exc, path.parent)) from exc


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
    try:
        expected = _sign(payload)
    except SecretError:  # nobody can be signed in; sign-in says why
        return None
    if not hmac.compare_digest(expected, signature):
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
