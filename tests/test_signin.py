"""Sign-in holds under attack: the count is atomic across threads and processes and taken before the
password is checked, an attacker's address is slowed while the owner's still signs in, and signing
out, a new password, removing an account or ``users logout`` end its tokens on the server."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import bcrypt
import pytest

from conftest import PASSWORD, ROOT, account
from dasbor import accounts, auth, store
from etl.__main__ import main

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
FREE = 3  # failures from one address before each further try waits (README, "Roles and accounts")


def free(kind: str) -> int:
    return next(t.free for t in accounts.THROTTLES if t.kind == kind)


@pytest.fixture(autouse=True)
def system_tmp(tmp_path, monkeypatch) -> Path:
    """This test's own "system temporary folder", where the count goes when the data folder is read-only."""
    folder = tmp_path / "systmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def checked(monkeypatch) -> list[bytes]:
    """Every password bcrypt checks in this process (wrong guesses the throttle let through)."""
    seen: list[bytes] = []
    real = bcrypt.checkpw

    def counting(password: bytes, stored: bytes) -> bool:
        seen.append(password)
        return real(password, stored)

    monkeypatch.setattr(accounts.bcrypt, "checkpw", counting)
    return seen


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The throttle's clock, moved by the test: ``clock[0] += 10``."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(accounts, "_now", lambda: now[0])
    return now


class Client:
    """What a browser's connection tells Streamlit: its address, its headers, its cookies."""

    def __init__(self):
        self.remote_ip: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.cookies: dict[str, str] = {}


@pytest.fixture
def client(monkeypatch) -> Client:
    """The connection every AppTest run of this test comes from (AppTest itself has none)."""
    conn = Client()
    monkeypatch.setattr("streamlit.runtime.context._get_client_context", lambda: conn)
    return conn


def run_app(token: str | None = None, lang: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if token is not None:
        at.session_state["token"] = token
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def signed_in_as(at) -> str | None:
    for caption in at.sidebar.caption:
        if caption.value.startswith(("Masuk sebagai ", "Signed in as ")):
            return caption.value.split("**")[1]
    return None


def submit(at, name: str, password: str):
    at.sidebar.text_input[0].input(name)
    at.sidebar.text_input[1].input(password)
    next(b for b in at.sidebar.button if b.label in ("Masuk", "Sign in")).click().run()
    assert not at.exception, at.exception
    return at


def errors(at) -> list[str]:
    return [e.value for e in at.sidebar.error]


# 1. The count holds under concurrency


def test_a_burst_from_threads_checks_no_more_guesses_than_allowed(checked, clock):  # one instant, see CHILD
    acc = account("nasional", name="sasaran")
    accounts.make_token(acc)  # the session secret exists
    start = threading.Barrier(16)
    results: list[accounts.Attempt] = []

    def guess(i: int) -> None:
        start.wait()
        results.append(accounts.sign_in(acc.name, f"tebakan-salah-{i:02d}", ATTACKER))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(15)]
    threads.append(
        threading.Thread(target=lambda: (start.wait(), results.append(accounts.sign_in(acc.name, "x", ATTACKER))))
    )
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 16 and not any(r.account for r in results)
    assert len(checked) <= FREE, f"{len(checked)} guesses checked at once"
    assert sum(r.checked for r in results) == len(checked)
    assert all(r.wait >= 1 for r in results if not r.checked)
    right = accounts.sign_in(acc.name, PASSWORD, ATTACKER)  # the 17th, right, after the limit
    assert right.account is None and not right.checked and right.wait >= 1
    assert len(checked) <= FREE


CHILD = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import bcrypt
    from dasbor import accounts

    real, checked = bcrypt.checkpw, []
    # One instant for the whole burst, as the parent's clock: on a loaded machine real seconds pass
    # between the children, and the growing delay would legitimately allow a later guess.
    accounts._now = lambda: 1_800_000_000.0
    bcrypt.checkpw = lambda password, stored: checked.append(1) or real(password, stored)
    print("siap", flush=True)
    sys.stdin.readline()  # every process starts at once
    results = [accounts.sign_in(sys.argv[2], guess, sys.argv[3]) for guess in sys.argv[4:]]
    print(json.dumps({"checked": len(checked), "signed_in": any(r.account for r in results)}), flush=True)
    """
)


def test_a_burst_from_several_processes_checks_no_more_guesses_than_allowed(data_dir, clock):
    acc = account("nasional", name="sasaran")
    accounts.make_token(acc)
    env = {"INOVASI_DATA_DIR": str(data_dir), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(ROOT), acc.name, ATTACKER, f"salah-{i}-a", f"salah-{i}-b"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(8)
    ]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "siap"
        for child in children:
            child.stdin.write("\n")
            child.stdin.flush()
        said = [json.loads(child.communicate(timeout=120)[0]) for child in children]
    finally:
        for child in children:
            with contextlib.suppress(OSError):
                child.kill()
    assert sum(s["checked"] for s in said) <= FREE, said
    assert not any(s["signed_in"] for s in said)
    right = accounts.sign_in(acc.name, PASSWORD, ATTACKER)
    assert right.account is None and not right.checked and right.wait >= 1


def test_attempts_spread_over_time_follow_the_growing_delays(clock, checked):
    """12 attempts over 8 seconds from one address: 3 free, then one after 1 s, one after 2 s more."""
    assert free("a") == FREE
    acc = account("nasional", name="sasaran")
    results = []
    for i in range(12):
        clock[0] = 1_800_000_000.0 + i * 8 / 11
        results.append(accounts.sign_in(acc.name, f"salah-salah-{i}", ATTACKER))
    assert [i for i, r in enumerate(results) if r.checked] == [0, 1, 2, 4, 7]
    assert len(checked) == 5
    clock[0] += 0.5
    right = accounts.sign_in(acc.name, PASSWORD, ATTACKER)
    assert right.account is None and not right.checked
    clock[0] += right.wait
    assert accounts.sign_in(acc.name, PASSWORD, ATTACKER).account == acc  # the wait is what the form says


def test_the_delays_grow_to_a_cap_and_failures_are_forgotten_with_time(clock):
    acc = account("nasional", name="sasaran")
    waits = []
    for i in range(16):
        attempt = accounts.sign_in(acc.name, f"salah-salah-{i}", ATTACKER)
        assert attempt.checked
        waits.append(attempt.wait)
        clock[0] += attempt.wait
    assert waits[: FREE - 1] == [0] * (FREE - 1)
    assert waits[FREE - 1 : FREE + 9] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert set(waits[FREE + 9 :]) == {accounts.MAX_DELAY}
    clock[0] += 24 * 3600  # a quiet day: everything forgotten
    assert accounts.wait_for(acc.name, ATTACKER) == 0
    assert accounts.sign_in(acc.name, PASSWORD, ATTACKER).account == acc


# 2. An attacker's address is slowed, the owner's is not


def test_an_attacker_elsewhere_is_slowed_while_the_owner_still_signs_in(clock):
    acc = account("nasional", name="pemilik")
    for i in range(8):
        accounts.sign_in(acc.name, f"tebakan-{i}-salah", ATTACKER)
    held = accounts.sign_in(acc.name, PASSWORD, ATTACKER)
    assert held.account is None and not held.checked and held.wait > 0
    assert accounts.sign_in(acc.name, PASSWORD, OWNER).account == acc  # at the same moment
    assert accounts.wait_for(acc.name, ATTACKER) > 0  # the owner's success does not free the attacker
    # The owner's own mistakes slow only the owner, and a right password clears them.
    for i in range(FREE):
        accounts.sign_in(acc.name, f"salah-ketik-{i}", OWNER)
    assert accounts.wait_for(acc.name, OWNER) == 1
    clock[0] += 1
    assert accounts.sign_in(acc.name, PASSWORD, OWNER).account == acc
    assert accounts.wait_for(acc.name, OWNER) == 0


def test_many_addresses_meet_the_names_ceiling_which_the_owners_known_address_does_not(clock):
    acc = account("nasional", name="pemilik")
    assert accounts.sign_in(acc.name, PASSWORD, OWNER).account == acc  # known from an earlier sign-in
    ceiling = free("n")
    for i in range(ceiling):
        assert accounts.sign_in(acc.name, "tebakan-salah", f"192.0.2.{i + 1}").checked  # one guess each
    newcomer = accounts.sign_in(acc.name, PASSWORD, "192.0.2.250")
    assert newcomer.account is None and not newcomer.checked and newcomer.wait > 0
    assert accounts.sign_in(acc.name, PASSWORD, OWNER).account == acc


def test_one_address_spraying_many_names_is_slowed(clock):
    ceiling = free("i")
    for i in range(ceiling):
        assert accounts.sign_in(f"nama-{i}", "sandi-umum-123", ATTACKER).checked
    assert not accounts.sign_in("nama-lain", "sandi-umum-123", ATTACKER).checked
    assert accounts.sign_in("nama-lain", "sandi-umum-123", OWNER).checked


def test_ipv6_clients_are_counted_by_their_64_block(clock):
    acc = account("nasional", name="pemilik")
    for i in range(FREE):
        accounts.sign_in(acc.name, "salah-salah", f"2001:db8:1:2::{i + 1:x}")
    assert accounts.wait_for(acc.name, "2001:db8:1:2:ffff::9") == 1
    assert accounts.wait_for(acc.name, "2001:db8:1:3::1") == 0
    assert accounts.wait_for(acc.name, "::ffff:198.51.100.7") == accounts.wait_for(acc.name, OWNER) == 0


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_form_slows_the_attacker_says_how_long_and_lets_the_owner_in(lang, client, clock):
    acc = account("nasional", name="pemilik")
    client.remote_ip = ATTACKER
    at = run_app(lang=lang)
    for i in range(FREE):
        submit(at, acc.name, f"tebakan-{i}-salah")
    wrong = "Nama pengguna atau kata sandi salah." if lang == "id" else "Wrong user name or password."
    then = " Coba lagi dalam 1 detik." if lang == "id" else " Try again in 1 second."
    assert errors(at) == [wrong + then]
    submit(at, acc.name, PASSWORD)  # the right password, too early
    assert errors(at) == [
        "Terlalu banyak percobaan gagal. Coba lagi dalam 1 detik."
        if lang == "id"
        else "Too many failed attempts. Try again in 1 second."
    ]
    assert signed_in_as(at) is None
    client.remote_ip = OWNER  # the owner's browser, at the same moment
    owner = submit(run_app(lang=lang), acc.name, PASSWORD)
    assert signed_in_as(owner) == acc.name and not errors(owner)


def test_behind_a_trusted_proxy_the_client_is_read_from_x_forwarded_for(client, clock, monkeypatch):
    acc = account("nasional", name="pemilik")
    client.remote_ip = "10.0.0.5"  # every connection comes from the proxy
    client.headers = [("X-Forwarded-For", f"6.6.6.6, {ATTACKER}")]  # the attacker's made-up hop, then the real one
    monkeypatch.setenv("INOVASI_TRUSTED_PROXIES", "10.0.0.0/24, 2001:db8::1")
    at = run_app()
    for i in range(FREE + 1):
        submit(at, acc.name, f"tebakan-{i}-salah")
    assert "Coba lagi dalam" in errors(at)[0] and accounts.wait_for(acc.name, ATTACKER) > 0
    assert accounts.wait_for(acc.name, "10.0.0.5") == accounts.wait_for(acc.name, "6.6.6.6") == 0
    client.headers = [("X-Forwarded-For", OWNER)]
    assert signed_in_as(submit(run_app(), acc.name, PASSWORD)) == acc.name
    # Without the setting the header is not believed: a client cannot escape its count by writing one.
    monkeypatch.delenv("INOVASI_TRUSTED_PROXIES")
    client.remote_ip, client.headers = ATTACKER, [("X-Forwarded-For", "192.0.2.1")]
    assert "Terlalu banyak" in errors(submit(run_app(), acc.name, PASSWORD))[0]


def test_the_client_address_rules():
    trusted = (
        __import__("ipaddress").ip_network("10.0.0.0/8"),
        __import__("ipaddress").ip_network("2001:db8::/32"),
    )
    assert auth.address_of(ATTACKER, ["192.0.2.1"], trusted) == ATTACKER  # not a proxy: its header is ignored
    assert auth.address_of("10.1.2.3", ["192.0.2.1, 10.9.9.9"], trusted) == "192.0.2.1"  # proxies skipped
    assert auth.address_of("10.1.2.3", ["1.1.1.1", "192.0.2.1"], trusted) == "192.0.2.1"  # repeated headers
    assert auth.address_of("10.1.2.3", ["192.0.2.1, bukan-alamat, 10.9.9.9"], trusted) == "10.9.9.9"
    assert auth.address_of("10.1.2.3", [], trusted) == "10.1.2.3"
    assert auth.address_of("::ffff:10.1.2.3", ["192.0.2.1"], trusted) == "192.0.2.1"
    assert auth.address_of("2001:db8::1", ["2001:db9::7"], trusted) == "2001:db9::7"
    assert auth.address_of(None, ["192.0.2.1"], ()) == "127.0.0.1"  # Streamlit hides a loopback peer


def test_a_wrong_trusted_proxies_setting_is_one_sentence_on_the_form(client, monkeypatch):
    acc = account("nasional")
    monkeypatch.setenv("INOVASI_TRUSTED_PROXIES", "10.0.0.5 proksi.lokal")
    at = submit(run_app(lang="en"), acc.name, PASSWORD)
    assert errors(at) == [
        "Sign-in is unavailable: INOVASI_TRUSTED_PROXIES holds 'proksi.lokal', which is not an IP address or "
        "network (for example 10.0.0.5 or 10.0.0.0/24)."
    ]
    assert signed_in_as(at) is None


def test_a_damaged_count_starts_again_and_long_passwords_are_no_traceback(data_dir, client):
    acc = account("nasional")
    (data_dir / "signin.json").write_bytes(b'{"v": 1, "keys": {"a:x": ["junk"]}, "known": []')
    assert accounts.sign_in(acc.name, PASSWORD, OWNER).account == acc
    state = json.loads((data_dir / "signin.json").read_bytes())
    assert acc.name not in json.dumps(state) and OWNER not in json.dumps(state)  # hashed
    assert (data_dir / "signin.json").stat().st_mode & 0o777 == 0o600
    at = submit(run_app(), acc.name, "x" * 200)  # bcrypt 5 refuses more than 72 bytes: a wrong password here
    assert errors(at) == ["Nama pengguna atau kata sandi salah."]
    with pytest.raises(accounts.AccountError, match="72 byte"):
        accounts.passwd(acc.name, "y" * 73)


# 3. Sessions end on the server


def _sign_out(at) -> None:
    next(b for b in at.sidebar.button if b.label == "Keluar").click().run()
    assert not at.exception, at.exception


def _end(how: str, name: str, token: str, monkeypatch) -> None:
    """End the session the way ``how`` says: "Keluar" in a browser holding the token, or the CLI."""
    if how == "keluar":
        at = run_app(token)
        assert signed_in_as(at) == name
        _sign_out(at)
        assert signed_in_as(at) is None and not errors(at)
        return
    argv = {"passwd": ["passwd", name, "--password-stdin"], "remove": ["remove", name], "logout": ["logout", name]}
    monkeypatch.setattr(sys, "stdin", io.StringIO("kata-sandi-baru-9\n"))
    assert main(["users", *argv[how]]) == 0


@pytest.mark.parametrize("how", ["keluar", "passwd", "remove", "logout"])
def test_a_copied_token_is_refused_after_the_session_ends(how, client, monkeypatch):
    acc = account("nasional", name="penyalin")
    token = accounts.make_token(acc)  # what a script on the page, or a shared computer, could copy
    assert accounts.check_token(token) == acc
    client.cookies = {auth.COOKIE: token}
    assert signed_in_as(run_app()) == acc.name  # the copy signs in from another browser, through the cookie
    client.cookies = {}
    _end(how, acc.name, token, monkeypatch)
    assert accounts.check_token(token) is None
    assert signed_in_as(run_app(token)) is None  # replayed in session state
    client.cookies = {auth.COOKIE: token}
    replay = run_app()  # replayed as the cookie
    assert signed_in_as(replay) is None and replay.sidebar.text_input  # the sign-in form instead
    if how != "remove":  # signing in again works, with a new token
        fresh = accounts.make_token(accounts.load()[acc.name])
        assert fresh != token and signed_in_as(run_app(fresh)) == acc.name


def test_signing_out_ends_the_sessions_in_every_browser_and_says_so_in_the_cli(capsys):
    acc = account("nasional", name="penyalin")
    laptop, phone = accounts.make_token(acc), accounts.make_token(acc)
    capsys.readouterr()
    assert main(["users", "logout", acc.name]) == 0
    assert capsys.readouterr().out == f"semua sesi {acc.name} diakhiri / every session of {acc.name} ended\n"
    assert accounts.check_token(laptop) is None and accounts.check_token(phone) is None
    assert main(["users", "logout", "tidak-ada"]) == 1
    assert capsys.readouterr().err == "gagal / failed: pengguna 'tidak-ada' tidak ada\n"


def test_concurrent_account_changes_all_stand():
    """A sign-out in the dashboard while an admin adds accounts: the lock keeps every change."""
    from dasbor.reference import regions

    acc = account("nasional", name="penyalin")
    token = accounts.make_token(acc)
    known = {r.kode for r in regions()}
    start = threading.Barrier(6)

    def adding(i):
        start.wait()
        accounts.add(f"baru{i}", "nasional", [], PASSWORD, known)

    def ending():
        start.wait()
        accounts.end_sessions(acc.name)

    threads = [threading.Thread(target=adding, args=(i,)) for i in range(5)] + [threading.Thread(target=ending)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(accounts.load()) == sorted(["penyalin", *(f"baru{i}" for i in range(5))])
    assert accounts.check_token(token) is None


# 4. A read-only folder: one sentence, no traceback


@pytest.fixture
def readonly(monkeypatch):
    """``readonly(*folders)``: writes there fail as on a read-only file system (EROFS), in this process."""
    import test_faults

    patch = pytest.MonkeyPatch()

    def make(*folders: Path) -> None:
        patterns = [str(p) for f in folders for p in (f, f / "*")]
        for (owner, name), value in test_faults._hook["faults"]("readonly", patterns).items():
            patch.setattr(owner, name, value)

    make.undo = patch.undo
    yield make
    patch.undo()


def _every_file(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


COUNT_ID = (
    "Masuk tidak tersedia karena percobaan masuk tidak dapat dicatat: {f} hanya dapat dibaca (read-only); "
    "atur INOVASI_SIGNIN_FILE ke tempat yang dapat ditulis."
)
COUNT_EN = (
    "Sign-in is unavailable because sign-in attempts cannot be recorded: {f} is read-only (Read-only file "
    "system); set INOVASI_SIGNIN_FILE to a writable place."
)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_when_no_attempt_can_be_recorded_sign_in_says_so_in_one_sentence(
    lang, data_dir, system_tmp, readonly, client, monkeypatch, checked
):
    acc = account("nasional")
    monkeypatch.setenv("INOVASI_SESSION_SECRET", "r" * 40)
    before = _every_file(data_dir)
    readonly(data_dir, system_tmp)
    at = submit(run_app(lang=lang), acc.name, PASSWORD)
    assert errors(at) == [(COUNT_ID if lang == "id" else COUNT_EN).format(f=data_dir)]
    assert signed_in_as(at) is None and not checked  # refused before any password was checked
    readonly.undo()
    assert _every_file(data_dir) == before


def test_a_read_only_data_folder_counts_in_the_system_temporary_folder(
    data_dir, system_tmp, readonly, client, monkeypatch
):
    acc = account("nasional")
    monkeypatch.setenv("INOVASI_SESSION_SECRET", "r" * 40)
    before = _every_file(data_dir)
    readonly(data_dir)
    client.remote_ip = ATTACKER
    at = run_app()
    for i in range(FREE):
        submit(at, acc.name, f"tebakan-{i}-salah")
    assert "Coba lagi dalam" in errors(at)[0]
    (folder,) = system_tmp.iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700 and [p.name for p in folder.glob("*.json")]
    client.remote_ip = OWNER
    assert signed_in_as(submit(run_app(), acc.name, PASSWORD)) == acc.name
    readonly.undo()
    assert _every_file(data_dir) == before


def test_a_chosen_sign_in_file_that_cannot_be_written_is_not_replaced_by_another(
    data_dir, tmp_path, readonly, client, monkeypatch
):
    acc = account("nasional")
    place = tmp_path / "hitungan"
    monkeypatch.setenv("INOVASI_SIGNIN_FILE", str(place / "masuk.json"))
    place.mkdir()
    readonly(place)
    at = submit(run_app(), acc.name, PASSWORD)
    assert errors(at) == [COUNT_ID.format(f=place)] and signed_in_as(at) is None


def test_signing_out_or_users_logout_on_a_read_only_folder_is_one_sentence(data_dir, readonly, client, capsys):
    acc = account("nasional", name="penyalin")
    token = accounts.make_token(acc)
    at = run_app(token)
    before = _every_file(data_dir)
    readonly(data_dir)
    _sign_out(at)
    assert signed_in_as(at) is None
    assert errors(at) == [
        f"Anda keluar di peramban ini, tetapi sesi {acc.name} tidak diakhiri di server karena {data_dir} hanya "
        "dapat dibaca (read-only); pasang agar dapat ditulis atau atur INOVASI_ACCOUNTS_FILE ke tempat yang dapat "
        "ditulis."
    ]
    capsys.readouterr()
    assert main(["users", "logout", acc.name]) == 1
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and "Traceback" not in out + err
    assert err.startswith(f"gagal / failed: sesi {acc.name} tidak diakhiri di server karena {data_dir} hanya")
    readonly.undo()
    assert _every_file(data_dir) == before


def test_a_real_read_only_disk_gives_the_same_sentence(tmp_path, client, monkeypatch):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("no tmpfs can be mounted here")
    try:
        data = disk / "data"
        monkeypatch.setenv("INOVASI_DATA_DIR", str(data))
        monkeypatch.setattr(tempfile, "tempdir", str(disk / "tmp"))
        (disk / "tmp").mkdir()
        acc = account("nasional")
        token = accounts.make_token(acc)
        assert subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode == 0
        assert accounts.check_token(token) == acc  # reading goes on
        at = submit(run_app(), acc.name, PASSWORD)
        assert errors(at) == [COUNT_ID.format(f=data)]
        proc = subprocess.run(
            [sys.executable, "-m", "etl", "users", "logout", acc.name],
            cwd=ROOT,
            env={**os.environ, "INOVASI_DATA_DIR": str(data)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    finally:
        store.close_readers()
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
