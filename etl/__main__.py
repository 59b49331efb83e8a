"""Command line of the ETL: ``python -m etl load|check|status|rebuild|doctor|sample|template|users``.

Exit codes: 0 every row loaded; 3 loaded, some rows rejected; 1 nothing loaded (with a one-line
reason on stderr: a failed step is named, ``gagal pada langkah 'marts' / failed at step 'marts': ...``,
and never shown as a traceback); 2 wrong usage. Every command ends a failed write (a full disk, a
read-only folder) or a broken data folder in one sentence on stderr and exit code 1, leaving no
half-written file behind.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import re
import shutil
import sys
from pathlib import Path

import duckdb

from dasbor import store
from etl.load import EXIT_NOTHING, LoadError, Report, StepError, doctor, marts_missing, rebuild, run

SHOWN_REJECTIONS = 50


def _printable(value) -> str:
    """A cell as a terminal can show it: control characters (NUL, line breaks) written as escapes."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", str(value))


def _print_report(report: Report, verb: str) -> None:
    for name, c in report.tables.items():
        # in the summary's language: rows written new or changed, stage rows derived from tahap_terkini
        words = {"changed": "berubah", "derived": "riwayat turunan"}
        extra = "".join(f", {words[k]} {c[k]}" for k in words if k in c)
        print(f"{name}: dibaca {c['read']}, {verb} {c['loaded']}, ditolak {c['rejected']}{extra}")
        if c["loaded"] and name in report.compared:  # a check says what a load would do, by each table's key
            k = report.compared[name]
            again = f", berulang dalam berkas {k['repeated']}" if k["repeated"] else ""
            print(f"  bila dimuat: baru {k['new']}, berubah {k['changed']}, tidak berubah {k['unchanged']}{again}")
    for notice in report.notices:
        print(f"catatan: {notice}")
    for r in report.rejected[:SHOWN_REJECTIONS]:
        where = r["file"] + (f" [{r['sheet']}]" if r["sheet"] else "")
        column = f", kolom {r['column']}" if r["column"] else ""
        value = f", nilai '{_printable(r['value'])}'" if r["value"] is not None else ""
        print(f"DITOLAK {where} baris {r['row']}{column}{value}: {r['reason']} / {r['reason_en']}")
    hidden = len(report.rejected) - SHOWN_REJECTIONS
    if hidden > 0:
        print(f"... dan {hidden} lagi; simpan semuanya dengan --report FILE.json / {hidden} more")
    if report.snapshot:
        print(f"snapshot: {report.snapshot} (muatan #{report.load_id})")


EXIT_INTERRUPTED = 130  # as a shell reports a command stopped with Ctrl-C


def _failed(exc: LoadError) -> str:
    """One line for stderr: a step's error names its step already."""
    return str(exc) if isinstance(exc, StepError) else f"gagal / failed: {exc}"


def _write_report(path: str | None, report: Report) -> None:
    if not path:
        return
    try:
        store.replace_file(Path(path), json.dumps(report.as_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as exc:
        what = ("laporan tidak ditulis", "the report was not written")
        print(store.write_failure(exc, Path(path).absolute().parent, what=what), file=sys.stderr)


def _cmd_load(args, write: bool) -> int:
    try:
        report = run(args.paths, write=write, user=getattr(args, "user", None))
    except LoadError as exc:
        print(_failed(exc), file=sys.stderr)
        if isinstance(exc, StepError) and exc.report:
            _write_report(args.report, exc.report)
        return EXIT_NOTHING
    except KeyboardInterrupt:
        print("dibatalkan; tidak ada yang dimuat / cancelled; nothing was loaded", file=sys.stderr)
        return EXIT_INTERRUPTED
    _print_report(report, "dimuat" if write else "lolos")
    _write_report(args.report, report)
    if report.exit_code == EXIT_NOTHING:
        print("gagal / failed: semua baris ditolak / every row was rejected", file=sys.stderr)
    return report.exit_code


def _cmd_status(args) -> int:
    """The snapshot readers use; when CURRENT is broken, what is wrong (stderr, exit 1) and the status
    of the snapshot the dashboard falls back to."""
    current = store.resolve()
    snap, problem = current.snapshot, current.problem
    if problem is not None:
        shown = snap.name if snap else None
        print(
            f"gagal / failed: {problem.id}; dasbor menampilkan {shown or 'tidak ada data'}; jalankan "
            f"`{store.DOCTOR}` untuk memperbaikinya / {problem.en}; the dashboard shows {shown or 'no data'}; "
            f"run `{store.DOCTOR}` to repair it",
            file=sys.stderr,
        )
    status: dict = {
        "snapshot": str(snap) if snap else None,
        "problem": {"id": problem.id, "en": problem.en} if problem else None,
        "tables": {},
        "loads": [],
    }
    if snap:
        tables = (
            "inovasi",
            "tahapan",
            "evaluasi",
            "penghargaan",
            "indeks_daerah",
            "penduduk",
            "wilayah",
            "baris_ditolak",
        )
        for t in tables:
            status["tables"][t] = int(store.query(f"select count(*) as n from {t}", snapshot=snap)["n"][0])
        loads = store.query(
            "select id, strftime(waktu, '%Y-%m-%dT%H:%M:%S%z') as waktu, pengguna, berkas, tabel, ditolak "
            "from muatan order by id",
            snapshot=snap,
        )
        status["loads"] = [
            {
                "id": int(r.id),
                "time": r.waktu,
                "user": r.pengguna,
                "files": json.loads(r.berkas),
                "tables": json.loads(r.tabel),
                "rejected_rows": int(r.ditolak),
            }
            for r in loads.itertuples()
        ]
    code = EXIT_NOTHING if problem else 0
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
        return code
    if not snap:
        if not problem:
            print("belum ada data; muat dengan `python -m etl load PATH` / no data loaded yet")
        return code
    print(f"snapshot: {snap}")
    for t, n in status["tables"].items():
        print(f"  {t}: {n}")
    for load in status["loads"][-10:]:
        files = ", ".join(f["name"] for f in load["files"])
        print(
            f"muatan #{load['id']} {load['time']} oleh {load['user']}: {files}; {load['rejected_rows']} baris ditolak"
        )
    return code


def _cmd_rebuild(args) -> int:
    try:
        current = store.resolve()
        if args.if_needed and current.problem is not None:
            # scripts/start.sh: the dashboard still starts, on the newest valid snapshot
            told = store.with_doctor(current.problem)
            print(f"tidak dibangun ulang: {told.id} / not rebuilt: {told.en}", file=sys.stderr)
            return 0
        snap = current.snapshot
        if args.if_needed and (snap is None or not marts_missing(snap)):
            return 0
        report = rebuild()
    except LoadError as exc:
        print(_failed(exc), file=sys.stderr)
        return EXIT_NOTHING
    except (store.StoreError, duckdb.Error) as exc:  # the current snapshot cannot be opened to see what it lacks
        print(f"gagal / failed: {(str(exc).splitlines() or [type(exc).__name__])[0]}", file=sys.stderr)
        return EXIT_NOTHING
    for notice in report.notices:  # what a stopped load left and this rebuild removed
        print(f"catatan: {notice}")
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    print(f"tabel turunan dibangun ulang / derived tables rebuilt ({steps}); snapshot: {report.snapshot}")
    return 0


def _cannot_write(exc: OSError, folder: Path) -> int:
    print(f"gagal / failed: {store.write_failure(exc, folder)}", file=sys.stderr)
    return EXIT_NOTHING


@contextlib.contextmanager
def _told_once():
    """A writer that failed half-way may write again when it is collected (``ZipFile.__del__`` writes its
    end record) and fail the same way: that second failure, already told, is not printed as a traceback."""
    hook = sys.unraisablehook

    def quiet(unraisable):
        if not isinstance(unraisable.exc_value, OSError):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        gc.collect()
        sys.unraisablehook = hook


def _cmd_sample(args) -> int:
    """The batch is written into a temporary folder beside ``--out`` and moved in file by file once
    complete: a full disk leaves ``--out`` as it was."""
    from etl.sample import write_sample

    out = Path(args.out).absolute()
    work = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    with _told_once():
        try:
            write_sample(work, innovations=args.innovations, seed=args.seed)
            out.mkdir(parents=True, exist_ok=True)
            for path in sorted(work.iterdir()):
                os.replace(path, out / path.name)
        except OSError as exc:
            return _cannot_write(exc, out)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"contoh ditulis ke {args.out} / sample written")
    return 0


def _cmd_template(args) -> int:
    """Written beside ``--out`` first and renamed over it once complete."""
    from etl.template import write_template

    out = Path(args.out).absolute()
    work = out.with_name(f".{out.stem}.{os.getpid()}.tmp{out.suffix}")
    with _told_once():
        try:
            write_template(work)
            os.replace(work, out)
        except OSError as exc:
            return _cannot_write(exc, out.parent)
        finally:
            with contextlib.suppress(OSError):
                work.unlink(missing_ok=True)
    print(f"templat ditulis ke {args.out} / template written")
    return 0


def _cmd_doctor(args) -> int:
    try:
        done = doctor()
    except store.StoreError as exc:  # the data folder cannot be written: nothing was changed
        print(f"gagal / failed: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    for line in done.actions:
        print(line)
    return 0 if done.ok else EXIT_NOTHING


def _cmd_users(args) -> int:
    from dasbor import accounts
    from dasbor.reference import regions

    try:
        if args.action == "list":
            for a in accounts.load().values():
                print(f"{a.name}\t{a.role}\t{' '.join(a.wilayah) or '-'}")
            return 0
        if args.action == "remove":
            accounts.remove(args.name)
            print(f"pengguna {args.name} dihapus / removed")
            return 0
        if args.action == "logout":
            accounts.end_sessions(args.name)
            print(f"semua sesi {args.name} diakhiri / every session of {args.name} ended")
            return 0
        if not args.password_stdin:
            print(
                "gagal / failed: beri kata sandi lewat --password-stdin / give the password with --password-stdin",
                file=sys.stderr,
            )
            return 2
        password = sys.stdin.readline().rstrip("\n")
        if args.action == "add":
            accounts.add(args.name, args.role, args.wilayah or [], password, {r.kode for r in regions()})
            print(f"pengguna {args.name} ({args.role}) dibuat / created")
        else:
            accounts.passwd(args.name, password)
            print(f"kata sandi {args.name} diganti / password changed")
        return 0
    except accounts.AccountError as exc:
        print(f"gagal / failed: {exc}", file=sys.stderr)
        return EXIT_NOTHING


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description="ETL Dasbor Inovasi Daerah")
    sub = p.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="validate and load files or folders of CSV/XLSX")
    load.add_argument("paths", nargs="+")
    load.add_argument("--report", help="write the full report as JSON to this file")
    load.add_argument("--user", help="name recorded in the load history")
    check = sub.add_parser("check", help="validate only; nothing is written")
    check.add_argument("paths", nargs="+")
    check.add_argument("--report", help="write the full report as JSON to this file")
    status = sub.add_parser("status", help="current snapshot, row counts and load history")
    status.add_argument("--json", action="store_true")
    rebuild = sub.add_parser("rebuild", help="rebuild the derived tables of the current data (after an upgrade)")
    rebuild.add_argument("--if-needed", action="store_true", help="only when a derived table is missing")
    sub.add_parser(
        "doctor",
        help="repair the data folder: remove what stopped loads left, set damaged snapshots aside, "
        "point a broken CURRENT at the newest valid snapshot",
    )
    sample = sub.add_parser("sample", help="write a realistic sample batch in the template format")
    sample.add_argument("--out", required=True)
    sample.add_argument("--innovations", type=int, default=3000)
    sample.add_argument("--seed", type=int, default=2017)
    template = sub.add_parser("template", help="write the empty XLSX template with its column dictionary")
    template.add_argument("--out", required=True)
    users = sub.add_parser("users", help="local accounts (stored outside the data snapshots)")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("daerah", "nasional", "admin"))
    add.add_argument("--wilayah", nargs="*", help="region codes; a province code covers its kabupaten/kota")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    actions.add_parser("list", help="list accounts (never passwords or hashes)")
    remove = actions.add_parser("remove", help="delete an account (ends its sessions)")
    remove.add_argument("name")
    logout = actions.add_parser(
        "logout", help="end every session of an account on the server (its tokens stop working in every browser)"
    )
    logout.add_argument("name")
    pw = actions.add_parser("passwd", help="change a password (ends every session of the account)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "load":
        return _cmd_load(args, write=True)
    if args.command == "check":
        return _cmd_load(args, write=False)
    if args.command == "status":
        return _cmd_status(args)
    if args.command == "users":
        return _cmd_users(args)
    if args.command == "rebuild":
        return _cmd_rebuild(args)
    if args.command == "doctor":
        return _cmd_doctor(args)
    if args.command == "sample":
        return _cmd_sample(args)
    return _cmd_template(args)


if __name__ == "__main__":
    sys.exit(main())
