"""Every fault ends in one sentence a person can act on, and leaves nothing half-published.

Faults are made as they happen: a write that fails with ENOSPC (the file is created, its writes
fail), a folder that cannot be written (EROFS: opening for writing, creating, renaming or removing
fails there), a real full or read-only tmpfs where one can be mounted, a killed ``python -m etl``,
junk in CURRENT and damaged snapshot files. (The tests run as root, where chmod does not stop writes.)
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import INOVASI_HEADER, PASSWORD, ROOT, account, app_at, inovasi_row, write_csv
from dasbor import accounts, store
from etl.__main__ import main
from etl.load import run

# The fault hook: installed in this process by the ``fault`` fixture and, as sitecustomize, in a child
# ``python -m etl`` by ``etl`` (INOVASI_TEST_FAULT=kind:pattern:...; kind full, readonly or hang).
HOOK = textwrap.dedent(
    '''
    import builtins, errno, fnmatch, io, os, shutil, time

    _open = io.open
    _os = {n: getattr(os, n) for n in ("mkdir", "replace", "rename", "link", "unlink", "remove", "rmdir", "chmod")}


    class _Full:
        """A file created as usual whose writes fail as on a full disk."""

        def __init__(self, f, name):
            self._f, self._name = f, name

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._name)

        def writelines(self, lines):
            self.write("")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._f.close()

        def __iter__(self):
            return iter(self._f)

        def __getattr__(self, name):
            return getattr(self._f, name)


    def faults(kind, patterns):
        """{(module, name): replacement} making writes to paths matching ``patterns`` fail."""

        def hit(path):
            try:
                path = os.fspath(path)
            except TypeError:
                return False
            path = os.path.abspath(path.decode() if isinstance(path, bytes) else path)
            return any(fnmatch.fnmatch(path, p) for p in patterns)

        def fail(path):
            code = errno.ENOSPC if kind == "full" else errno.EROFS
            raise OSError(code, os.strerror(code), os.fspath(path))

        def open_(file, mode="r", *args, **kwargs):
            if isinstance(file, int) or not any(c in mode for c in "wax+") or not hit(file):
                return _open(file, mode, *args, **kwargs)
            if kind == "readonly":
                fail(file)
            return _Full(_open(file, mode, *args, **kwargs), os.fspath(file))

        patched = {(builtins, "open"): open_, (io, "open"): open_, (shutil, "_USE_CP_SENDFILE"): False}
        if kind == "readonly":

            def guard(name):
                real = _os[name]

                def wrapper(*args, **kwargs):
                    paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
                    if "dir_fd" not in kwargs and any(hit(p) for p in paths):
                        if name == "mkdir" and os.path.isdir(args[0]):
                            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(args[0]))
                        fail(paths[0])
                    return real(*args, **kwargs)

                return wrapper

            for name in _os:
                patched[(os, name)] = guard(name)
        return patched


    def hang(point, marker):
        """Stop this process for good at ``point``, after writing ``marker``, so that a test can kill it."""

        def stop():
            with _open(marker, "w") as fh:
                fh.write(str(os.getpid()))
            time.sleep(600)

        if point == "checks":  # the draft and its WAL are written
            import etl.checks

            etl.checks.violations = lambda con: stop()
        elif point == "pointer":  # the draft was renamed to its published name, CURRENT not yet replaced
            real = os.replace

            def replace(src, dst, *args, **kwargs):
                if os.path.basename(os.fspath(dst)) == "CURRENT":
                    stop()
                return real(src, dst, *args, **kwargs)

            os.replace = replace
        elif point == "accounts":  # the new accounts file written to its temporary name
            real = os.chmod

            def chmod(path, *args, **kwargs):
                if os.path.basename(os.fspath(path)).startswith(".accounts.json."):
                    stop()
                return real(path, *args, **kwargs)

            os.chmod = chmod


    if os.environ.get("INOVASI_TEST_FAULT"):
        _kind, *_args = os.environ["INOVASI_TEST_FAULT"].split(os.pathsep)
        if _kind == "hang":
            hang(*_args)
        else:
            for (_owner, _name), _value in faults(_kind, _args).items():
                setattr(_owner, _name, _value)
    '''
)
_hook: dict = {}
exec(compile(HOOK, "fault-hook", "exec"), _hook)  # noqa: S102 (our own test hook)


@pytest.fixture
def fault():
    """``fault(kind, *patterns)``: writes in this process to paths matching ``patterns`` fail, ``full``
    (ENOSPC) or ``readonly`` (EROFS), until ``fault.undo()`` or the end of the test. (Its own
    MonkeyPatch: undoing the test's would also undo the data folder's setting.)"""
    patch = pytest.MonkeyPatch()

    def make(kind: str, *patterns) -> None:
        for (owner, name), value in _hook["faults"](kind, [str(p) for p in patterns]).items():
            patch.setattr(owner, name, value)

    make.undo = patch.undo
    yield make
    patch.undo()


def etl(args, data_dir, tmp_path, fault: str = "", stdin: str | None = None, wait: bool = True, **env):
    """``python -m etl ARGS`` in a child process with the fault hook."""
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    environ = {
        **os.environ,
        "INOVASI_DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)]),
        "INOVASI_TEST_FAULT": fault,
        **env,
    }
    command = [sys.executable, "-m", "etl", *map(str, args)]
    if not wait:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        proc.stdin.write((stdin or "").encode())
        proc.stdin.close()
        return proc
    return subprocess.run(command, cwd=ROOT, env=environ, input=stdin, capture_output=True, text=True, timeout=300)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def every_file(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its digest: what must not change when a command fails."""
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def published(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "snapshots").glob("*.duckdb"))


def pointer(root: Path) -> str:
    return (root / "CURRENT").read_text(encoding="utf-8").strip()


def batch(tmp_path: Path, name: str, *codes: str) -> Path:
    write_csv(tmp_path / name, "inovasi.csv", INOVASI_HEADER, [inovasi_row(c) for c in codes])
    return tmp_path / name


def rows(root: Path) -> list[str]:
    store.close_readers()
    return store.query("select kode_inovasi from inovasi order by 1", snapshot=root / "snapshots" / pointer(root))[
        "kode_inovasi"
    ].tolist()


@pytest.fixture
def loaded(tmp_path, data_dir) -> Path:
    """One load published ('A') and one account; returns the folder of a second batch ('A', 'B')."""
    assert run([batch(tmp_path, "first", "A")], write=True).exit_code == 0
    account("nasional")
    store.close_readers()
    return batch(tmp_path, "second", "A", "B")


def full_sentence(folder: Path) -> str:
    return (
        f"Disk penuh di {folder}: kosongkan ruang lalu jalankan perintah ini lagi / "
        f"The disk is full at {folder} (No space left on device): free some space and run this command again"
    )


def readonly_sentence(folder: Path) -> str:
    return (
        f"{folder} hanya dapat dibaca (read-only): pasang agar dapat ditulis / "
        f"{folder} is read-only (Read-only file system): mount it writable"
    )


def accounts_sentence(folder: Path, kind: str) -> str:
    if kind == "full":
        return (
            f"gagal / failed: akun tidak berubah karena disk penuh di {folder}; kosongkan ruang lalu jalankan perintah "
            f"ini lagi / the accounts are unchanged because the disk is full at {folder} (No space left on device); "
            "free some space and run this command again"
        )
    return (
        f"gagal / failed: akun tidak berubah karena {folder} hanya dapat dibaca (read-only); pasang agar dapat ditulis "
        f"atau atur INOVASI_ACCOUNTS_FILE ke tempat yang dapat ditulis / the accounts are unchanged because {folder} is "
        "read-only (Read-only file system); mount it writable or set INOVASI_ACCOUNTS_FILE to a writable place"
    )


# 1. A full disk


def test_a_full_disk_at_the_snapshot_copy_fails_in_one_sentence_and_leaves_nothing(
    loaded, data_dir, fault, monkeypatch, capsys
):
    before = every_file(data_dir)
    capsys.readouterr()
    fault("full", data_dir / "snapshots" / "*")
    assert main(["load", str(loaded)]) == 1
    out, err = capsys.readouterr()
    folder = data_dir / "snapshots"
    assert err == f"gagal pada langkah 'copy' / failed at step 'copy': {full_sentence(folder)}\n"
    assert "Traceback" not in out
    fault.undo()
    assert every_file(data_dir) == before  # no draft, CURRENT and the old snapshot as they were
    assert rows(data_dir) == ["A"]


def test_a_full_disk_at_the_pointer_write_fails_in_one_sentence_and_leaves_nothing(
    loaded, data_dir, fault, monkeypatch, capsys
):
    before = every_file(data_dir)
    capsys.readouterr()
    fault("full", data_dir / ".CURRENT.*")
    assert main(["load", str(loaded)]) == 1
    err = capsys.readouterr().err
    assert err == f"gagal pada langkah 'publish' / failed at step 'publish': {full_sentence(data_dir)}\n"
    fault.undo()
    assert every_file(data_dir) == before  # no finished snapshot, no .CURRENT.<pid>.<random>
    assert rows(data_dir) == ["A"]
    assert main(["load", str(loaded)]) == 0 and rows(data_dir) == ["A", "B"]  # with room again, it loads


def test_a_full_disk_during_users_add_fails_in_one_sentence_and_leaves_nothing(
    loaded, data_dir, fault, monkeypatch, capsys
):
    before = every_file(data_dir)
    fault("full", data_dir / ".accounts.json.*")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    capsys.readouterr()
    assert main(["users", "add", "lan", "--role", "nasional", "--password-stdin"]) == 1
    assert capsys.readouterr().err == accounts_sentence(data_dir, "full") + "\n"
    fault.undo()
    assert every_file(data_dir) == before and "lan" not in accounts.load()


def test_a_full_report_file_is_one_sentence_and_no_half_written_report(
    loaded, data_dir, tmp_path, fault, monkeypatch, capsys
):
    out = tmp_path / "laporan"
    out.mkdir()
    fault("full", out / "*")
    capsys.readouterr()
    assert main(["load", str(loaded), "--report", str(out / "r.json")]) == 0  # the load itself stands
    err = capsys.readouterr().err
    assert err == (
        f"laporan tidak ditulis karena disk penuh di {out}; kosongkan ruang lalu jalankan perintah ini lagi / "
        f"the report was not written because the disk is full at {out} (No space left on device); free some "
        "space and run this command again\n"
    )
    assert list(out.iterdir()) == []


@pytest.fixture
def tmpfs(tmp_path):
    """A real, small file system (tmpfs), where this machine lets the tests mount one."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode:
        pytest.skip("no tmpfs can be mounted here")
    try:
        yield where
    finally:
        store.close_readers()
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def test_a_real_full_disk_fails_loads_and_account_changes_in_one_sentence(tmpfs, tmp_path):
    data = tmpfs / "data"
    assert etl(["load", batch(tmp_path, "first", "A")], data, tmp_path).returncode == 0
    assert (
        etl(
            ["users", "add", "lan", "--role", "nasional", "--password-stdin"], data, tmp_path, stdin=PASSWORD
        ).returncode
        == 0
    )
    before = every_file(data)
    filler = _fill(tmpfs)
    load = etl(["load", batch(tmp_path, "second", "A", "B")], data, tmp_path)
    assert (load.returncode, load.stderr) == (
        1,
        f"gagal pada langkah 'copy' / failed at step 'copy': {full_sentence(data / 'snapshots')}\n",
    )
    users = etl(["users", "passwd", "lan", "--password-stdin"], data, tmp_path, stdin=PASSWORD)
    assert (users.returncode, users.stderr) == (1, accounts_sentence(data, "full") + "\n")
    assert every_file(data) == before  # no draft, no temporary file; CURRENT, the snapshot and accounts as they were
    filler.unlink()
    assert etl(["load", batch(tmp_path, "second", "A", "B")], data, tmp_path).returncode == 0
    assert rows(data) == ["A", "B"]


def test_a_real_read_only_data_folder_fails_writes_in_one_sentence_and_still_reads(tmpfs, tmp_path, monkeypatch):
    data = tmpfs / "data"
    assert etl(["load", batch(tmp_path, "first", "A")], data, tmp_path).returncode == 0
    assert (
        etl(
            ["users", "add", "lan", "--role", "nasional", "--password-stdin"], data, tmp_path, stdin=PASSWORD
        ).returncode
        == 0
    )
    before = every_file(data)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode == 0
    try:
        load = etl(["load", batch(tmp_path, "second", "A", "B")], data, tmp_path)
        assert (load.returncode, load.stderr) == (
            1,
            f"gagal pada langkah 'read' / failed at step 'read': {readonly_sentence(data)}\n",
        )
        users = etl(["users", "add", "ani", "--role", "nasional", "--password-stdin"], data, tmp_path, stdin=PASSWORD)
        assert (users.returncode, users.stderr) == (1, accounts_sentence(data, "readonly") + "\n")
        status = etl(["status"], data, tmp_path)
        assert status.returncode == 0 and "inovasi: 1" in status.stdout
        monkeypatch.setenv("INOVASI_DATA_DIR", str(data))
        at = _sign_in(app_at(role=None), "lan")
        assert not at.exception and at.title[0].value == "Transparansi"
        assert [e.value for e in at.sidebar.error] == [NO_SECRET_ID.format(f=data)]
        assert every_file(data) == before
    finally:
        store.close_readers()
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], capture_output=True)


def test_a_real_full_disk_under_duckdb_itself_is_the_same_sentence(tmpfs, tmp_path):
    """A first load has no snapshot to copy: DuckDB writes the draft itself and words the fault its way."""
    data = tmpfs / "data"
    (data / "snapshots").mkdir(parents=True)
    stat = os.statvfs(tmpfs)
    with open(tmpfs / "filler", "wb") as fh:
        fh.write(b"\0" * (stat.f_bavail * stat.f_frsize - 400_000))
    load = etl(["load", batch(tmp_path, "first", *(f"A{i}" for i in range(50)))], data, tmp_path)
    assert load.returncode == 1 and "Traceback" not in load.stderr
    step = load.stderr.split("'")[1]
    assert step in ("copy", "upsert", "marts", "checkpoint"), load.stderr
    assert (
        load.stderr == f"gagal pada langkah '{step}' / failed at step '{step}': {full_sentence(data / 'snapshots')}\n"
    )
    assert sorted(every_file(data)) == [".load.lock"]  # no draft, no WAL, no CURRENT


# 2. A read-only data folder


@pytest.mark.parametrize("command", [["load"], ["rebuild"], ["doctor"]])
def test_writing_commands_on_a_read_only_data_folder_fail_in_one_sentence(
    command, loaded, data_dir, fault, monkeypatch, capsys
):
    before = every_file(data_dir)
    fault("readonly", data_dir, data_dir / "*")
    capsys.readouterr()
    argv = [*command, str(loaded)] if command == ["load"] else command
    assert main(argv) == 1
    err = capsys.readouterr().err
    prefix = "gagal / failed: " if command == ["doctor"] else "gagal pada langkah 'read' / failed at step 'read': "
    assert err == prefix + readonly_sentence(data_dir) + "\n"
    fault.undo()
    assert every_file(data_dir) == before


@pytest.mark.parametrize(
    "action", [["add", "lan", "--role", "nasional"], ["passwd", "uji_nasional"], ["remove", "uji_nasional"]]
)
def test_account_changes_on_a_read_only_data_folder_fail_in_one_sentence(
    action, loaded, data_dir, fault, monkeypatch, capsys
):
    before = every_file(data_dir)
    fault("readonly", data_dir, data_dir / "*")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    capsys.readouterr()
    argv = ["users", *action] + (["--password-stdin"] if action[0] != "remove" else [])
    assert main(argv) == 1
    assert capsys.readouterr().err == accounts_sentence(data_dir, "readonly") + "\n"
    fault.undo()
    assert every_file(data_dir) == before


def _sign_in(at, name: str, password: str = PASSWORD):
    at.sidebar.text_input[0].input(name)
    at.sidebar.text_input[1].input(password)
    next(
        b for b in at.sidebar.button if b.label in ("Masuk", "Sign in")
    ).click().run()  # after the filter form's buttons
    return at


NO_SECRET_ID = (
    "Masuk tidak tersedia karena rahasia sesi tidak dapat disimpan: {f} hanya dapat dibaca (read-only); atur "
    "INOVASI_SESSION_SECRET, atau INOVASI_SECRET_FILE ke tempat yang dapat ditulis."
)
NO_SECRET_EN = (
    "Sign-in is unavailable because the session secret cannot be stored: {f} is read-only (Read-only file "
    "system); set INOVASI_SESSION_SECRET, or INOVASI_SECRET_FILE to a writable place."
)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sign_in_on_a_read_only_data_folder_says_so_and_the_public_page_goes_on(lang, sample_data, fault, monkeypatch):
    acc = account("nasional")
    before = every_file(sample_data)
    fault("readonly", sample_data, sample_data / "*")
    at = app_at(role=None, params={"lang": lang} if lang == "en" else None)
    _sign_in(at, acc.name)
    assert not at.exception
    expected = (NO_SECRET_ID if lang == "id" else NO_SECRET_EN).format(f=sample_data)
    assert [e.value for e in at.sidebar.error] == [expected]
    assert at.title[0].value in ("Transparansi", "Transparency") and at.metric  # reading goes on
    with contextlib.suppress(KeyError):
        assert at.session_state["token"] is None
    fault.undo()
    assert every_file(sample_data) == before


def test_a_session_secret_kept_elsewhere_or_given_lets_people_sign_in_on_a_read_only_data_folder(
    sample_data, tmp_path, fault, monkeypatch
):
    acc = account("nasional")
    fault("readonly", sample_data, sample_data / "*")
    monkeypatch.setenv("INOVASI_SECRET_FILE", str(tmp_path / "rahasia" / "sesi"))
    at = _sign_in(app_at(role=None), acc.name)
    assert not at.exception and not at.sidebar.error
    assert accounts.check_token(at.session_state["token"]).name == acc.name
    assert (tmp_path / "rahasia" / "sesi").stat().st_mode & 0o777 == 0o600
    monkeypatch.delenv("INOVASI_SECRET_FILE")
    monkeypatch.setenv("INOVASI_SESSION_SECRET", "k" * 40)
    at = _sign_in(app_at(role=None), acc.name)
    assert not at.exception and not at.sidebar.error
    assert accounts.check_token(at.session_state["token"]).name == acc.name
    assert not (sample_data / ".session_secret").exists()
    # A visitor carrying a token while no secret can be had is simply not signed in.
    monkeypatch.delenv("INOVASI_SESSION_SECRET")
    assert accounts.check_token(at.session_state["token"]) is None
    monkeypatch.setenv("INOVASI_SESSION_SECRET", "pendek")  # too short to sign with
    at = _sign_in(app_at(role=None, params={"lang": "en"}), acc.name)
    assert not at.exception and [e.value for e in at.sidebar.error] == [
        "Sign-in is unavailable: INOVASI_SESSION_SECRET needs at least 32 random characters."
    ]


def test_an_existing_session_secret_on_a_read_only_data_folder_is_simply_read(sample_data, fault, monkeypatch):
    acc = account("nasional")
    token = accounts.make_token(acc)  # creates .session_secret while the folder is writable
    fault("readonly", sample_data, sample_data / "*")
    assert accounts.check_token(token).name == acc.name
    at = _sign_in(app_at(role=None), acc.name)
    assert not at.exception and not at.sidebar.error and at.session_state["token"]


# 3. A broken CURRENT or a damaged snapshot


def _newer_copy(root: Path) -> Path:
    """A copy of the current snapshot under a newer name, made current: the one a fault then damages."""
    old = root / "snapshots" / pointer(root)
    new = old.with_name("inovasi-29991231T000000000000Z-1-abcdef.duckdb")
    new.write_bytes(old.read_bytes())
    (root / "CURRENT").write_text(new.name + "\n", encoding="utf-8")
    return new


def _junk(root: Path) -> tuple[str, str]:
    (root / "CURRENT").write_bytes(b"\xff\xfe\x00\x9c junk")
    return (
        f"CURRENT di {root} rusak: isinya bukan nama snapshot",
        f"CURRENT in {root} is broken: it does not hold a snapshot name",
    )


def _missing(root: Path) -> tuple[str, str]:
    (root / "CURRENT").write_text("inovasi-hilang.duckdb\n", encoding="utf-8")
    return (
        "CURRENT menunjuk inovasi-hilang.duckdb, yang tidak ada",
        "CURRENT names inovasi-hilang.duckdb, which does not exist",
    )


def _truncated(root: Path) -> tuple[str, str]:
    new = _newer_copy(root)
    size = new.stat().st_size
    with open(new, "r+b") as fh:
        fh.truncate(size // 2)
    why = store.check_snapshot(new)
    assert why and why[1].startswith("truncated: ")
    return (
        f"snapshot {new.name} yang ditunjuk CURRENT rusak ({why[0]})",
        f"the snapshot {new.name} that CURRENT names is damaged ({why[1]})",
    )


def _not_duckdb(root: Path) -> tuple[str, str]:
    new = _newer_copy(root)
    with open(new, "r+b") as fh:
        fh.write(b"\x00" * 64)
    return (
        f"snapshot {new.name} yang ditunjuk CURRENT rusak (bukan berkas DuckDB)",
        f"the snapshot {new.name} that CURRENT names is damaged (not a DuckDB file)",
    )


def _bad_checksum(root: Path) -> tuple[str, str]:
    new = _newer_copy(root)
    with open(new, "r+b") as fh:
        fh.seek(8192)
        fh.write(b"\x5a" * 4096)
    why = store.check_snapshot(new)
    assert why and "Corrupt database file" in why[1]
    return (
        f"snapshot {new.name} yang ditunjuk CURRENT rusak ({why[0]})",
        f"the snapshot {new.name} that CURRENT names is damaged ({why[1]})",
    )


BREAKS = {
    "junk": _junk,
    "missing": _missing,
    "truncated": _truncated,
    "not_duckdb": _not_duckdb,
    "checksum": _bad_checksum,
}
PLAIN = {
    "id": "Data terbaru tidak dapat dibuka, jadi yang tampil adalah data valid terakhir yang tersimpan.",
    "en": "The latest data cannot be opened, so this shows the last valid data stored.",
}


@pytest.mark.parametrize("broken", BREAKS)
def test_the_dashboard_falls_back_to_the_newest_valid_snapshot(broken, sample_data):
    good = pointer(sample_data)
    problem = BREAKS[broken](sample_data)
    assert store.resolve().snapshot.name == good
    # The public page: no exception, the fallback's data, one plain sentence.
    for lang in ("id", "en"):
        at = app_at(role=None, params={"lang": lang} if lang == "en" else None)
        assert not at.exception and at.metric
        assert PLAIN[lang] in [i.value for i in at.info]
        assert not any("doctor" in str(w.value) for w in [*at.warning, *at.info, *at.error])
    # A signed-in page: the same plain sentence for a national user...
    at = app_at("pages/1_ringkasan.py", role="nasional")
    assert not at.exception and PLAIN["id"] in [i.value for i in at.info]
    # ...and for an admin what is wrong, which snapshot is shown and what to run.
    for lang in ("id", "en"):
        at = app_at("pages/1_ringkasan.py", role="admin", params={"lang": lang} if lang == "en" else None)
        assert not at.exception and at.metric
        banner = (
            f"{problem[0]}; yang tampil adalah `{good}`, snapshot valid terbaru; jalankan `python -m etl doctor` "
            "untuk memperbaikinya."
            if lang == "id"
            else f"{problem[1]}; shown is `{good}`, the newest valid snapshot; run `python -m etl doctor` to repair it."
        )
        assert banner in [w.value for w in at.warning]


def test_with_no_valid_snapshot_left_the_public_reads_one_sentence(sample_data):
    (sample_data / "snapshots" / pointer(sample_data)).write_bytes(b"rusak")
    at = app_at(role=None)
    assert not at.exception
    assert [e.value for e in at.error] == ["Data tidak dapat dibuka saat ini; coba lagi nanti."]
    at = app_at(role="admin")
    assert not at.exception and at.error[0].value.endswith(
        ", dan tidak ada snapshot lain yang valid; jalankan `python -m etl doctor`, lalu muat ulang berkasnya."
    )


def test_a_load_publishing_meanwhile_is_not_taken_for_a_broken_current(loaded, data_dir, monkeypatch):
    good = pointer(data_dir)
    (data_dir / "CURRENT").write_text("inovasi-20000101T000000000000Z-1-abcdef.duckdb\n", encoding="utf-8")
    check = store.check_snapshot

    def pruned_meanwhile(path, full=False):  # CURRENT named a snapshot a load has just published over and pruned
        if path.name.startswith("inovasi-2000"):
            (data_dir / "CURRENT").write_text(good + "\n", encoding="utf-8")
        return check(path, full)

    monkeypatch.setattr(store, "check_snapshot", pruned_meanwhile)
    assert store.resolve() == store.Current(data_dir / "snapshots" / good)


@pytest.mark.parametrize("broken", BREAKS)
def test_load_check_and_rebuild_on_a_broken_current_say_to_run_doctor(broken, loaded, data_dir, capsys):
    problem = BREAKS[broken](data_dir)
    before = every_file(data_dir)
    doctor_id, doctor_en = (
        "jalankan `python -m etl doctor` untuk memperbaikinya",
        "run `python -m etl doctor` to repair it",
    )
    for argv in (["load", str(loaded)], ["check", str(loaded)], ["rebuild"]):
        capsys.readouterr()
        assert main(argv) == 1
        assert capsys.readouterr().err == (
            f"gagal pada langkah 'read' / failed at step 'read': {problem[0]}; {doctor_id} / {problem[1]}; {doctor_en}\n"
        )
    assert every_file(data_dir) == before
    capsys.readouterr()
    assert main(["rebuild", "--if-needed"]) == 0  # scripts/start.sh goes on to start the dashboard
    assert (
        capsys.readouterr().err
        == f"tidak dibangun ulang: {problem[0]}; {doctor_id} / not rebuilt: {problem[1]}; {doctor_en}\n"
    )
    assert main(["status"]) == 1
    out, err = capsys.readouterr()
    shown = store.resolve().snapshot.name
    assert err == (
        f"gagal / failed: {problem[0]}; dasbor menampilkan {shown}; {doctor_id} / {problem[1]}; the dashboard "
        f"shows {shown}; {doctor_en}\n"
    )
    assert f"snapshot: {data_dir / 'snapshots' / shown}" in out


@pytest.mark.parametrize("broken", BREAKS)
def test_doctor_points_current_at_the_newest_valid_snapshot_and_says_what_it_did(broken, loaded, data_dir, capsys):
    good = pointer(data_dir)
    problem = BREAKS[broken](data_dir)
    damaged = {n: store.check_snapshot(data_dir / "snapshots" / n, full=True) for n in published(data_dir) if n != good}
    capsys.readouterr()
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    moved = [
        f"{name} rusak ({why[0]}), disisihkan sebagai {name}.rusak; hapus bila tidak diperlukan lagi / {name} is "
        f"damaged ({why[1]}), moved aside as {name}.rusak; delete it once it is no longer needed"
        for name, why in damaged.items()
    ]
    assert lines == [
        *moved,
        f"{problem[0]}; CURRENT kini menunjuk {good}, snapshot valid terbaru / "
        f"{problem[1]}; CURRENT now names {good}, the newest valid snapshot",
    ]
    assert pointer(data_dir) == good and published(data_dir) == [good]
    assert not list(data_dir.glob(".CURRENT.*"))
    assert main(["doctor"]) == 0
    assert capsys.readouterr().out == f"CURRENT baik: menunjuk {good} / CURRENT is fine: it names {good}\n"
    assert main(["load", str(loaded)]) == 0 and rows(data_dir) == ["A", "B"]  # no good row lost


def test_doctor_finds_damage_the_quick_check_misses_and_repoints(loaded, data_dir, capsys):
    assert main(["load", str(loaded)]) == 0
    first, second = published(data_dir)
    path = data_dir / "snapshots" / second
    store.close_readers()
    with __import__("duckdb").connect() as con:  # a data block of a table, unread until a query needs it
        con.execute(f"attach '{path}' as s (read_only)")
        (block,) = con.execute("select max(block_id) from pragma_storage_info('s.inovasi')").fetchone()
        (size,) = con.execute("select block_size from pragma_database_size() where database_name = 's'").fetchone()
    with open(path, "r+b") as fh:
        fh.seek(3 * 4096 + block * size + 64)  # past the block's checksum, inside the table's data
        fh.write(b"\x5a" * 64)
    assert store.check_snapshot(path) is None  # the quick check does not read data blocks
    capsys.readouterr()
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"disisihkan sebagai {second}.rusak" in out and f"CURRENT kini menunjuk {first}" in out
    assert pointer(data_dir) == first and rows(data_dir) == ["A"]


def test_doctor_with_no_valid_snapshot_left_removes_current_and_says_to_load_again(loaded, data_dir, capsys):
    name = pointer(data_dir)
    (data_dir / "snapshots" / name).write_bytes(b"rusak")
    capsys.readouterr()
    assert main(["doctor"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{name} rusak (bukan berkas DuckDB), disisihkan sebagai {name}.rusak; hapus bila tidak diperlukan lagi / "
        f"{name} is damaged (not a DuckDB file), moved aside as {name}.rusak; delete it once it is no longer needed",
        f"snapshot {name} yang ditunjuk CURRENT rusak (bukan berkas DuckDB) dan tidak ada snapshot yang valid: "
        "CURRENT dihapus, jadi muatan berikutnya mulai dari kosong; muat ulang semua berkas / the snapshot "
        f"{name} that CURRENT names is damaged (not a DuckDB file) and no snapshot is valid: CURRENT was removed, "
        "so the next load starts empty; load every file again",
    ]
    assert not (data_dir / "CURRENT").exists() and published(data_dir) == []
    assert main(["load", str(loaded)]) == 0 and rows(data_dir) == ["A", "B"]


# 4. Killed loads


def _killed(proc: subprocess.Popen, marker: Path) -> None:
    """Wait until the child reached its hang point, then kill it as the OOM killer or a power cut would."""
    deadline = time.time() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline, "the child never reached its hang point"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.stdout.close()
    proc.stderr.close()
    proc.wait(timeout=60)


def test_a_killed_load_leaves_drafts_that_count_for_nothing_and_the_next_load_removes(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("INOVASI_KEEP_SNAPSHOTS", "2")
    for i in range(2):
        assert run([batch(tmp_path, f"b{i}", f"A{i}")], write=True).exit_code == 0
    kept, current = published(data_dir), pointer(data_dir)
    marker = tmp_path / "hung"
    proc = etl(
        ["load", batch(tmp_path, "b2", "A2")],
        data_dir,
        tmp_path,
        f"hang{os.pathsep}checks{os.pathsep}{marker}",
        wait=False,
    )
    _killed(proc, marker)
    drafts = sorted(p.name for p in (data_dir / "snapshots").iterdir() if ".draft" in p.name)
    assert drafts and all(d.startswith("inovasi-") and f"-{proc.pid}-" in d for d in drafts)
    assert any(d.endswith(".draft.wal") for d in drafts)  # the draft had been written to
    assert published(data_dir) == kept and pointer(data_dir) == current  # nothing was published
    assert store.resolve().problem is None
    report = run([batch(tmp_path, "b3", "A3")], write=True)
    assert report.exit_code == 0
    assert sorted(report.notices) == sorted(
        f"dihapus snapshots/{d} (draf muatan yang terhenti, proses {proc.pid}) / removed snapshots/{d} "
        f"(draft of a stopped load, process {proc.pid})"
        for d in drafts
    )
    names = sorted(p.name for p in (data_dir / "snapshots").iterdir())
    assert names == [kept[1], report.snapshot]  # two real snapshots kept: the drafts took no place
    assert rows(data_dir) == ["A0", "A1", "A3"]


def test_a_load_killed_while_publishing_is_not_published_and_the_next_load_removes_it(tmp_path, data_dir):
    assert run([batch(tmp_path, "b0", "A0")], write=True).exit_code == 0
    current = pointer(data_dir)
    marker = tmp_path / "hung"
    proc = etl(
        ["load", batch(tmp_path, "b1", "A1")],
        data_dir,
        tmp_path,
        f"hang{os.pathsep}pointer{os.pathsep}{marker}",
        wait=False,
    )
    _killed(proc, marker)
    (tmp_pointer,) = data_dir.glob(".CURRENT.*")
    unpublished = tmp_pointer.read_text(encoding="utf-8").strip()
    assert pointer(data_dir) == current and sorted(published(data_dir)) == sorted([current, unpublished])
    assert rows(data_dir) == ["A0"]  # readers never saw it
    report = run([batch(tmp_path, "b2", "A2")], write=True)
    assert sorted(report.notices) == sorted(
        [
            f"dihapus snapshots/{unpublished} (snapshot yang tidak pernah diterbitkan) / removed "
            f"snapshots/{unpublished} (a snapshot never published)",
            f"dihapus {tmp_pointer.name} (penunjuk sementara muatan yang terhenti) / removed {tmp_pointer.name} "
            "(temporary pointer of a stopped load)",
        ]
    )
    assert published(data_dir) == sorted([current, report.snapshot]) and not list(data_dir.glob(".CURRENT.*"))
    assert rows(data_dir) == ["A0", "A2"]


def test_a_killed_users_add_leaves_a_temporary_file_the_next_change_removes(loaded, data_dir, tmp_path, capsys):
    before = (data_dir / "accounts.json").read_bytes()
    marker = tmp_path / "hung"
    proc = etl(
        ["users", "add", "lan", "--role", "nasional", "--password-stdin"],
        data_dir,
        tmp_path,
        f"hang{os.pathsep}accounts{os.pathsep}{marker}",
        stdin=PASSWORD + "\n",
        wait=False,
    )
    _killed(proc, marker)
    (left,) = data_dir.glob(".accounts.json.*")
    assert (data_dir / "accounts.json").read_bytes() == before
    capsys.readouterr()
    assert main(["doctor"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"dihapus {left} (berkas sementara proses yang terhenti) / removed {left} (temporary file of a stopped process)"
    )
    assert not list(data_dir.glob(".accounts.json.*")) and (data_dir / "accounts.json").read_bytes() == before


def test_debris_of_a_process_that_still_runs_is_kept(tmp_path, data_dir):
    assert run([batch(tmp_path, "b0", "A0")], write=True).exit_code == 0
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.2)
        draft = data_dir / "snapshots" / f"inovasi-20260101T000000000000Z-{sleeper.pid}-abcdef.duckdb.draft"
        draft.write_bytes(b"x")
        assert store.clean_debris(data_dir) == [] and draft.exists()  # its process runs: not ours to remove
        old = time.time() - 3600  # written before that process started: its number was reused
        os.utime(draft, (old, old))
        assert len(store.clean_debris(data_dir)) == 1 and not draft.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_killed_repair_leaves_only_its_pointer_to_remove(loaded, data_dir):
    good = pointer(data_dir)
    _junk(data_dir)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = data_dir / f".CURRENT.{int(ended.stdout)}.abcdef.doctor"  # `etl doctor` killed before its rename
    left.write_text(good + "\n", encoding="utf-8")
    assert store.clean_debris(data_dir) == [
        f"dihapus {left.name} (penunjuk sementara muatan yang terhenti) / removed {left.name} "
        "(temporary pointer of a stopped load)"
    ]
    assert published(data_dir) == [good]  # the snapshot it named was published: it stays


# 5. Every command against every fault: never a traceback


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A data folder with one load and one account, built in this process once per test."""
    root = tmp_path_factory.mktemp("base") / "data"
    old = os.environ.get("INOVASI_DATA_DIR")
    os.environ["INOVASI_DATA_DIR"] = str(root)
    try:
        assert run([batch(root.parent, "b", "A", "B")], write=True).exit_code == 0
        account("admin", name="pengelola")
        accounts.make_token(accounts.load()["pengelola"])  # the session secret exists
    finally:
        os.environ["INOVASI_DATA_DIR"] = old or ""
        store.close_readers()
    return root


def _killed_debris(root: Path, tmp_path: Path) -> str:
    marker = tmp_path / "hung"
    marker.unlink(missing_ok=True)
    proc = etl(
        ["load", batch(tmp_path, "k", "K")], root, tmp_path, f"hang{os.pathsep}checks{os.pathsep}{marker}", wait=False
    )
    _killed(proc, marker)
    assert any(".draft" in p.name for p in (root / "snapshots").iterdir())
    return ""


FAULTS = {
    "full": lambda root, tmp: "full" + os.pathsep + os.pathsep.join([f"{root}/*", f"{tmp}/out/*"]),
    "readonly": lambda root, tmp: "readonly" + os.pathsep + os.pathsep.join([str(root), f"{root}/*", f"{tmp}/out*"]),
    "killed": _killed_debris,
    "junk": lambda root, tmp: _junk(root) and "",
    "missing": lambda root, tmp: _missing(root) and "",
    "truncated": lambda root, tmp: _truncated(root) and "",
}
COMMANDS = [
    (["load", "{batch}"], None),
    (["check", "{batch}"], None),
    (["status"], None),
    (["status", "--json"], None),
    (["rebuild"], None),
    (["rebuild", "--if-needed"], None),
    (["doctor"], None),
    (["users", "add", "lan", "--role", "nasional", "--password-stdin"], PASSWORD),
    (["users", "list"], None),
    (["users", "passwd", "pengelola", "--password-stdin"], PASSWORD),
    (["users", "remove", "pengelola"], None),
    (["users", "logout", "pengelola"], None),
    (["sample", "--out", "{tmp}/out/sampel", "--innovations", "40"], None),
    (["template", "--out", "{tmp}/out/templat.xlsx"], None),
]


@pytest.mark.parametrize("kind", FAULTS)
def test_every_command_against_every_fault_shows_no_traceback(kind, base, tmp_path):
    new_batch = batch(tmp_path, "new", "A", "C")
    transcripts = []
    for argv, stdin in COMMANDS:
        root = tmp_path / "data"
        work = tmp_path / "w"
        for folder in (root, work / "out"):
            if folder.exists():
                shutil.rmtree(folder)
        shutil.copytree(base, root)
        (work / "out").mkdir(parents=True)
        env_fault = FAULTS[kind](root, work)
        args = [a.format(batch=new_batch, tmp=work) for a in argv]
        proc = etl(args, root, work, env_fault, stdin=(stdin + "\n") if stdin else None)
        said = proc.stdout + proc.stderr
        transcripts.append(f"$ etl {' '.join(argv)} -> {proc.returncode}\n{said}")
        assert "Traceback" not in said, transcripts[-1]
        assert proc.returncode in (0, 1, 3), transcripts[-1]
        if proc.returncode == 1:
            assert len(proc.stderr.strip().splitlines()) == 1, transcripts[-1]  # one sentence
        left = [
            p.name for p in root.rglob("*") if p.name.startswith((".CURRENT.", ".accounts.json.", ".session_secret."))
        ]
        left += [p.name for p in (work / "out").rglob("*") if p.name.startswith(".")]
        if kind != "killed" or argv[0] in ("load", "doctor") or argv == ["rebuild"]:  # these remove a killed draft
            left += [p.name for p in (root / "snapshots").iterdir() if ".draft" in p.name]
        assert not left, transcripts[-1]
    # What every command said, for a person to read (test-artifacts/ is where the journeys' screenshots go).
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    text = "\n".join(transcripts).replace(str(tmp_path), "$TMP")
    (artifacts / f"faults-{kind}.txt").write_text(text, encoding="utf-8")
