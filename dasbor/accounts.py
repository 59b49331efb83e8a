"""Local accounts: bcrypt-hashed passwords in a JSON file beside (never inside) the data snapshots,
signed session tokens for the browser cookie, ended on the server, and throttled sign-in attempts.

The session secret that signs the tokens comes from INOVASI_SESSION_SECRET, or from a file
(INOVASI_SECRET_FILE, by default ``.session_secret`` beside the accounts file) created at the first
sign-in; when neither can be had, sign-in says so in one sentence (SecretError) and reading goes on.

Every account carries a session stamp (``sesi``) that its tokens are bound to: signing out, a new
password and ``python -m etl users logout NAME`` give it a new stamp, which ends every token issued
before, in every browser; removing the account ends them too. Changes to the accounts file are
serialised across processes by a lock file (``.accounts.lock``) and written atomically.

Sign-in attempts are counted in ``signin.json`` beside the accounts file (INOVASI_SIGNIN_FILE), under
an exclusive lock (``.signin.lock``) shared by every thread and process, and each attempt is counted
*before* its password is checked, so a burst of simultaneous attempts cannot slip past the count.
Three counts hold an attempt back (``THROTTLES``): one name from one client address (after 3
failures each further try waits 1 s, 2 s, 4 s … up to 5 minutes), one name from every address (a
looser ceiling, which addresses that signed in to that name before do not feel) and one address
over every name (password spraying). Failures are forgotten one at a time as time passes, and a
successful sign-in clears its own address's count, so the owner's browser stays usable while an
attacker elsewhere is slowed. When the default place cannot be written (a read-only data folder),
the count is kept in the system's temporary folder, shared by the dashboard processes of this
machine; when no place can be written, sign-in says so in one sentence (UnavailableError).
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import hashlib
import hmac
import ipaddress
import json
import math
import os
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import bcrypt

from dasbor import settings, store
from dasbor.access import ROLES, Viewer


class AccountError(Exception):
    """An account cannot be created or changed as asked."""


class UnavailableError(AccountError):
    """A file that accounts or sign-in need cannot be read or written (a read-only folder, a full disk, a
    damaged accounts file): ``id``/``en`` say so in one sentence and what to do."""

    def __init__(self, id_text: str, en_text: str):
        self.id, self.en = id_text, en_text
        super().__init__(f"{id_text} / {en_text}")

    def text(self, lang: str) -> str:
        return self.id if lang == "id" else self.en


class SecretError(UnavailableError):
    """No session secret can be had, so nobody can sign in; ``id``/``en`` say why and what to set."""


@dataclass
class Account:
    name: str
    role: str
    wilayah: list[str] = field(default_factory=list)
    hash: str = ""
    sesi: str = ""  # session stamp: its tokens are bound to it; a new one ends them all

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
        raise UnavailableError(
            f"berkas akun {path} tidak dapat dibaca ({type(exc).__name__}); pulihkan dari cadangan",
            f"the accounts file {path} cannot be read ({type(exc).__name__}); restore it from a backup",
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


UNCHANGED = ("akun tidak berubah", "the accounts are unchanged")


def _write_error(exc: OSError, path: Path, what: tuple[str, str]) -> UnavailableError:
    failure = store.write_failure(exc, path.parent, "INOVASI_ACCOUNTS_FILE", what)
    return UnavailableError(failure.id, failure.en)


def _save(accounts: dict[str, Account], what: tuple[str, str] = UNCHANGED) -> None:
    path = _path()
    clean_debris()
    try:
        _write_private(path, json.dumps([asdict(a) for a in accounts.values()], indent=1).encode("utf-8"))
    except OSError as exc:
        raise _write_error(exc, path, what) from exc


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.lock")  # .accounts.lock, .signin.lock


@contextlib.contextmanager
def _flock(handle) -> Iterator[None]:
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # per open file: holds against other threads and processes alike
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _changing(what: tuple[str, str] = UNCHANGED) -> Iterator[dict[str, Account]]:
    """The accounts, to change in the block: read and written back under the accounts lock, so changes
    made at once by several processes (a sign-out in the dashboard, ``users add`` in a shell) all stand."""
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(_lock_path(path), "a")  # noqa: SIM115 (held for the whole block)
    except OSError as exc:
        raise _write_error(exc, path, what) from exc
    with _flock(handle):
        accounts = load()
        yield accounts
        _save(accounts, what)


def clean_debris() -> list[str]:
    """Remove temporary files (``.accounts.json.<pid>``, ``.session_secret.<pid>``, ``.signin.json.<pid>``)
    that processes which ended left beside the accounts file, the session secret and the sign-in count;
    one line each on what was removed."""
    done = []
    for path in {_path(), _secret_path(), _signin_path()}:
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


BCRYPT_MAX_BYTES = 72  # bcrypt reads no further (bcrypt 5 refuses longer passwords outright)


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise AccountError("kata sandi minimal 10 karakter / password needs at least 10 characters")
    if len(password.encode()) > BCRYPT_MAX_BYTES:
        raise AccountError(
            f"kata sandi paling panjang {BCRYPT_MAX_BYTES} byte / password can be at most {BCRYPT_MAX_BYTES} bytes"
        )


def _stamp() -> str:
    return secrets.token_hex(8)


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
    exists = f"pengguna '{name}' sudah ada; pakai `users passwd` untuk mengganti kata sandi"
    if name in load():
        raise AccountError(exists)
    _check_password(password)
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()  # outside the lock: it takes a while
    with _changing() as accounts:
        if name in accounts:
            raise AccountError(exists)
        account = accounts[name] = Account(name, role, list(wilayah), hashed, _stamp())
    return account


def _missing(name: str) -> AccountError:
    return AccountError(f"pengguna '{name}' tidak ada")


def remove(name: str) -> None:
    """Delete the account; its tokens are refused from the next run on."""
    with _changing() as accounts:
        if name not in accounts:
            raise _missing(name)
        del accounts[name]


def passwd(name: str, password: str) -> None:
    """A new password and a new session stamp: every session of the account ends."""
    if name not in load():
        raise _missing(name)
    _check_password(password)
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()
    with _changing() as accounts:
        if name not in accounts:
            raise _missing(name)
        accounts[name].hash, accounts[name].sesi = hashed, _stamp()


def end_sessions(name: str) -> None:
    """End every session of ``name`` on the server (sign-out, ``users logout``): its tokens, copied or
    not, in any browser, are refused from the next run on. UnavailableError when the accounts file cannot
    be written."""
    what = (f"sesi {name} tidak diakhiri di server", f"the sessions of {name} were not ended on the server")
    with _changing(what) as accounts:
        if name not in accounts:
            raise _missing(name)
        accounts[name].sesi = _stamp()


# Sign-in attempts, counted in a file shared by every thread and process.


@dataclass(frozen=True)
class Throttle:
    """One count of failed sign-ins: after ``free`` failures every further attempt waits 1 s, 2 s, 4 s …
    (at most MAX_DELAY) after the last failure; one failure is forgotten every ``forget`` seconds."""

    kind: str  # "a": one name from one address; "n": one name from every address; "i": one address, every name
    free: int
    forget: float


THROTTLES = (
    Throttle("a", 3, 15 * 60),
    Throttle("n", 20, 15 * 60),  # looser; an address that signed in to the name before is not held by it
    Throttle("i", 30, 2 * 60),  # password spraying: many names from one address
)
MAX_DELAY = 300  # seconds
KNOWN_SECONDS = 30 * 24 * 3600  # how long an address that signed in stays known to its name
MAX_KEYS = 20_000  # counts kept at most (the oldest go first), so a flood of names cannot grow the file

_now = time.time  # the throttle's clock (tests move it)


@dataclass(frozen=True)
class Attempt:
    """What became of one sign-in attempt."""

    account: Account | None  # signed in when not None
    checked: bool  # whether the password was checked (False: refused while the address must wait)
    wait: int  # seconds before this name may be tried again from this address (0: now)


def _signin_path() -> Path:
    return Path(settings.get("signin_file") or _path().with_name("signin.json"))


def _fallback_signin_path() -> Path:
    """Where the count goes when the default place cannot be written: this user's private folder in the
    system's temporary folder, one file per accounts file (so every dashboard process of it shares it)."""
    digest = hashlib.sha256(str(_signin_path().absolute()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"inovasi-signin-{os.getuid()}" / f"{digest}.json"


def _private_folder(folder: Path) -> None:
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(errno.EACCES, "not a private folder of this user", str(folder))


def _cannot_count(exc: OSError, folder: Path) -> UnavailableError:
    cause_id, cause_en = store.write_cause(exc, folder)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        todo = ("kosongkan ruang lalu coba lagi", "free some space and try again")
    else:
        todo = ("atur INOVASI_SIGNIN_FILE ke tempat yang dapat ditulis", "set INOVASI_SIGNIN_FILE to a writable place")
    return UnavailableError(
        f"Masuk tidak tersedia karena percobaan masuk tidak dapat dicatat: {cause_id}; {todo[0]}.",
        f"Sign-in is unavailable because sign-in attempts cannot be recorded: {cause_en}; {todo[1]}.",
    )


def _open_count() -> tuple[Path, object]:
    """The count's file and its lock, opened: the default place, else (when that cannot be written and
    INOVASI_SIGNIN_FILE is not set) the fallback; UnavailableError, naming the first place, when neither can."""
    primary = _signin_path()
    places = [primary] if settings.get("signin_file") else [primary, _fallback_signin_path()]
    first: OSError | None = None
    for path in places:
        try:
            if path == primary:
                path.parent.mkdir(parents=True, exist_ok=True)
            else:
                _private_folder(path.parent)
            return path, open(_lock_path(path), "a")  # noqa: SIM115 (the caller holds it)
        except OSError as exc:
            first = first or exc
    raise _cannot_count(first, primary.parent)


def _fresh() -> dict:
    return {"v": 1, "keys": {}, "known": {}}


def _read_count(path: Path) -> dict:
    try:
        state = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return _fresh()  # none yet, or cut off by a crash: start again
    if (
        not isinstance(state, dict)
        or not isinstance(state.get("keys"), dict)
        or not isinstance(state.get("known"), dict)
    ):
        return _fresh()
    number = (int, float)
    state["keys"] = {
        k: e
        for k, e in state["keys"].items()
        if k[:1] in "ani" and isinstance(e, list) and len(e) == 3 and all(isinstance(x, number) for x in e)
    }
    state["known"] = {k: t for k, t in state["known"].items() if isinstance(t, number)}
    return state


def _forget(kind: str) -> float:
    return next(t.forget for t in THROTTLES if t.kind == kind)


def _level(entry: list, forget: float, now: float) -> float:
    """Failures still counted: the count less one for every ``forget`` seconds since it last changed."""
    level, updated = float(entry[0]), float(entry[1])
    return max(0.0, level - max(0.0, now - updated) / forget)


def _prune(state: dict, now: float) -> None:
    keys = state["keys"]
    for key in [k for k, e in keys.items() if math.ceil(_level(e, _forget(k[0]), now) - 1e-9) <= 0]:
        del keys[key]
    if len(keys) > MAX_KEYS:
        for key in sorted(keys, key=lambda k: keys[k][1])[: len(keys) - MAX_KEYS]:
            del keys[key]
    known = state["known"]
    for key in [k for k, t in known.items() if now - float(t) > KNOWN_SECONDS]:
        del known[key]
    if len(known) > MAX_KEYS:
        for key in sorted(known, key=known.get)[: len(known) - MAX_KEYS]:
            del known[key]


def _write_count(path: Path, state: dict) -> None:
    """Replace the count atomically (no flush to the disk: a count cut off by a power cut starts again)."""
    tmp = _temp(path)
    try:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        with open(tmp, "xb") as fh:
            fh.write(json.dumps(state, separators=(",", ":")).encode())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise _cannot_count(exc, _signin_path().parent) from exc


@contextlib.contextmanager
def _counting(now: float) -> Iterator[dict]:
    """The sign-in count, to read and change in the block, under its lock; written back when changed."""
    path, handle = _open_count()
    with _flock(handle):
        state = _read_count(path)
        _prune(state, now)
        before = json.dumps(state, sort_keys=True)
        yield state
        if json.dumps(state, sort_keys=True) != before:
            _write_count(path, state)


def _address(address: str | None) -> str:
    """The address a count is kept for: an IPv6 client by its /64 (one subscriber's whole block)."""
    text = (address or "").strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(kind: str, name: str, address: str) -> str:
    # Hashed: the file holds no typed names (sometimes a password typed into the name field).
    text = {"a": f"{name}\0{address}", "n": name, "i": address}[kind]
    return f"{kind}:" + hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()[:32]


def _wait(state: dict, name: str, address: str, now: float) -> int:
    known = _key("a", name, address) in state["known"]
    longest = 0.0
    for throttle in THROTTLES:
        entry = state["keys"].get(_key(throttle.kind, name, address))
        if entry is None or (throttle.kind == "n" and known):
            continue
        failures = math.ceil(_level(entry, throttle.forget, now) - 1e-9)
        if failures >= throttle.free:
            delay = min(MAX_DELAY, 2 ** (failures - throttle.free))
            longest = max(longest, float(entry[2]) + delay - now)
    return math.ceil(longest) if longest > 0 else 0


def wait_for(name: str, address: str = "") -> int:
    """Seconds before ``name`` may be tried from ``address`` (0: now)."""
    now = _now()
    with _counting(now) as state:
        return _wait(state, name, _address(address), now)


_dummy: list[bytes] = []


def _dummy_hash() -> bytes:
    if not _dummy:
        _dummy.append(bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt()))
    return _dummy[0]


def sign_in(name: str, password: str, address: str = "") -> Attempt:
    """One sign-in attempt from the client ``address`` (what the form calls).

    The attempt is counted as a failure, under the lock, before its password is checked, and refused
    unchecked while one of the counts makes it wait; a right password then takes its failure back and
    clears its address's count for the name. UnavailableError (one sentence) when no secret can sign a token
    or the attempt cannot be recorded: then no password is checked."""
    _secret()  # SecretError: nobody could be signed in, so no password is checked either
    address = _address(address)
    now = _now()
    with _counting(now) as state:
        wait = _wait(state, name, address, now)
        if wait:
            return Attempt(None, False, wait)
        for throttle in THROTTLES:
            key = _key(throttle.kind, name, address)
            old = state["keys"].get(key)
            level = _level(old, throttle.forget, now) if old else 0.0
            state["keys"][key] = [round(level + 1, 6), now, now]
        wait_after = _wait(state, name, address, now)
    account = load().get(name)
    # Checked against a hash even for unknown names, so timing does not reveal which names exist.
    stored = account.hash.encode() if account else _dummy_hash()
    if not (bcrypt.checkpw(password.encode()[:BCRYPT_MAX_BYTES], stored) and account):
        return Attempt(None, True, wait_after)
    now = _now()
    with contextlib.suppress(UnavailableError), _counting(now) as state:  # else it stays counted as a failure
        state["keys"].pop(_key("a", name, address), None)
        for kind in ("n", "i"):
            entry = state["keys"].get(_key(kind, name, address))
            if entry:
                entry[0] = round(max(0.0, _level(entry, _forget(kind), now) - 1), 6)
                entry[1] = now
        state["known"][_key("a", name, address)] = now
    return Attempt(account, True, 0)


def verify(name: str, password: str, address: str = "") -> Account | None:
    """The account when the password is right and no count holds the attempt back; None otherwise."""
    return sign_in(name, password, address).account


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


def _fingerprint(account: Account) -> str:
    return hashlib.sha256((account.hash + account.sesi).encode()).hexdigest()[:16]


def make_token(account: Account) -> str:
    """name|expiry|fingerprint|signature; the fingerprint changes with the password and the session
    stamp, so a new password, a sign-out or ``users logout`` ends every token made before."""
    expiry = int(time.time() + 3600 * float(settings.get("session_hours")))
    payload = f"{base64.urlsafe_b64encode(account.name.encode()).decode()}|{expiry}|{_fingerprint(account)}"
    return f"{payload}|{_sign(payload)}"


def check_token(token: str | None) -> Account | None:
    """The account a token signs in, checked against the accounts file (on every run of a page): None
    when it is forged, expired, or its account was removed, given a new password or signed out."""
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
    try:
        account = load().get(name)
    except AccountError:  # an unreadable accounts file: nobody is signed in, the public page goes on
        return None
    if account is None or int(expiry) < time.time():
        return None
    if not hmac.compare_digest(_fingerprint(account), fingerprint):
        return None
    return account
