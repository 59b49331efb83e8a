"""Step 3 of a load, and the orchestrator that runs read → validate → load.

The load writes a copy of the current snapshot, never the file readers use, and publishes it only
when every step succeeded: the dashboard sees the old data or the new, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import getpass
import hashlib
import json
import re
import shutil
import string
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from dasbor import domain, settings, store
from dasbor.reference import POPULATION_SOURCE, norm_key, population_rows, regions, urusan_rows
from etl import checks, datapackage
from etl.contract import LOAD_ORDER, TABLE_BY_NAME, capaian_keys
from etl.read import ReadError, check_batch, expand, read_file
from etl.rules import one_per_key
from etl.validate import SQL_DIR, Batch, lit, validate

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_SOME_REJECTED = 0, 1, 2, 3
# The derived tables of etl/sql/marts.sql. A rebuild, a first load and a large one build them all
# anew ("full"); a load that touched few innovations ("incremental") replaces only the rows of those
# innovations in the tables keyed by innovation (deleting them by the column named), the rows of the
# regions whose award rows it touched in kompetisi_entri, and builds info_data (one row) whole.
MARTS = (
    "tahap_tunggu",
    "evaluasi_terakhir",
    "inovasi_status",
    "info_data",
    "tahap_capai_lebar",
    "tahap_keluar",
    "inovasi_publik",
    "kompetisi_entri",
)
PER_INNOVATION = {
    "tahap_tunggu": "id_inovasi",
    "evaluasi_terakhir": "kode_inovasi",
    "inovasi_status": "kode_inovasi",
    "tahap_capai_lebar": "kode_inovasi",
    "tahap_keluar": "kode_inovasi",
    "inovasi_publik": "kode_inovasi",
}
PER_REGION = {"kompetisi_entri": "kode_wilayah"}
# The tables marts.sql reads, and what a load's change to one means for an incremental build:
# the column naming the innovations or regions whose derived rows change (a load's upsert records
# them), "whole" for info_data's inputs, "version" for the reference tables written from
# dasbor/domain.py (their rows are part of the marts version, so a change there builds everything)
# and "first" for those only a first load writes (no derived tables yet: a full build).
# tests/test_incremental.py holds marts.sql to this list.
MARTS_READ = {
    "inovasi": "kode_inovasi",
    "tahapan": "kode_inovasi",
    "evaluasi": "kode_inovasi",
    "penghargaan": "kode_wilayah",
    "muatan": "whole",
    "tahap_ref": "version",
    "capaian_ref": "version",
    "capaian_baca": "version",
    "wilayah": "first",
}
# An incremental build pays while the load touched at most this share of the snapshot's innovations
# (measured: README, "What a person waits for"); beyond it, and always for a rebuild, a full build.
INCREMENTAL_SHARE = 0.10


class LoadError(Exception):
    """A load or rebuild failed; nothing was published (``CURRENT`` and the old snapshot are untouched)."""


class StepError(LoadError):
    """One step of a load failed. Each step has its own subclass; the message names the step in
    Indonesian and English and gives the cause in one line. ``report`` is the load's report up to
    the failure (``report.failed`` names the step), ``__cause__`` the original exception."""

    step = ""

    def __init__(self, cause: BaseException | str):
        self.reason = _one_line(cause)
        self.report: Report | None = None
        super().__init__(f"gagal pada langkah '{self.step}' / failed at step '{self.step}': {self.reason}")


class ReadStepError(StepError):
    """The files, the data folder or its current snapshot could not be read."""

    step = "read"


class ValidateStepError(StepError):
    """Validation could not run (not: some rows are invalid, which the report lists)."""

    step = "validate"


class CopyStepError(StepError):
    """The current snapshot could not be copied into a new draft, or the draft's schema not prepared."""

    step = "copy"


class UpsertStepError(StepError):
    """The accepted rows, the derived stage history or the load's log could not be written to the draft."""

    step = "upsert"


class MartsStepError(StepError):
    """The derived tables of etl/sql/marts.sql could not be built."""

    step = "marts"


class ChecksStepError(StepError):
    """A post-load invariant (etl/checks.py) does not hold, or the checks could not run."""

    step = "checks"


class CheckpointStepError(StepError):
    """The draft could not be written out to its file."""

    step = "checkpoint"


class PublishStepError(StepError):
    """``CURRENT`` could not be pointed at the new snapshot."""

    step = "publish"


STEP_ERRORS: dict[str, type[StepError]] = {cls.step: cls for cls in StepError.__subclasses__()}
STEPS = tuple(STEP_ERRORS)  # in the order a load runs them


def _one_line(cause: BaseException | str) -> str:
    """The cause of a failure in one line: our own messages as they are, a database error marked as
    such, anything else (a bug) with its exception type."""
    told = None if isinstance(cause, str) else store.io_failure(cause)
    if isinstance(cause, str):
        text = cause
    elif told is not None:  # a full or read-only disk, a damaged snapshot: said so, with what to do
        text = str(told)
    elif isinstance(cause, duckdb.Error):
        text = f"basis data / database: {cause}"
    elif isinstance(cause, (ReadError, LoadError, store.StoreError, OSError)):
        text = str(cause)
    else:
        text = f"{type(cause).__name__}: {cause}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


@dataclass
class Report:
    written: bool
    files: list[dict] = field(default_factory=list)
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    snapshot: str | None = None
    load_id: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step, for the benchmark
    # A check's rows against the current snapshot, per table, by the table's key (``compare``):
    # {"new", "changed", "unchanged", "repeated"}; empty after a load, whose "changed" says what it wrote.
    compared: dict[str, dict[str, int]] = field(default_factory=dict)
    failed: dict[str, str] | None = None  # {"step", "reason"} when a step failed and nothing was published
    # How the derived tables were built: "incremental" (only the touched innovations' rows) or "full";
    # marts_scope says how many innovations and award regions were touched, of how many, and why full.
    marts_mode: str | None = None
    marts_scope: dict = field(default_factory=dict)
    copied_by: str | None = None  # how the snapshot file was copied: reflink or copyfile

    @contextlib.contextmanager
    def timed(self, step: str):
        """Time one step; any failure inside it becomes that step's StepError (an inner step that
        failed first keeps its own name)."""
        start = time.perf_counter()
        try:
            yield
        except StepError:
            raise
        except Exception as exc:
            raise STEP_ERRORS[step](exc) from exc
        finally:
            self.seconds[step] = round(self.seconds.get(step, 0.0) + time.perf_counter() - start, 3)

    @property
    def exit_code(self) -> int:
        if self.failed:
            return EXIT_NOTHING
        loaded = sum(t["loaded"] for t in self.tables.values())
        if self.rejected and not loaded:
            return EXIT_NOTHING
        return EXIT_SOME_REJECTED if self.rejected else EXIT_OK

    def as_dict(self) -> dict:
        return {
            "written": self.written,
            "snapshot": self.snapshot,
            "load_id": self.load_id,
            "failed": self.failed,
            "files": self.files,
            "tables": self.tables,
            "rejected": self.rejected,
            "notices": self.notices,
            "exit_code": self.exit_code,
            "seconds": self.seconds,
            "compared": self.compared,
            "marts_mode": self.marts_mode,
            "marts_scope": self.marts_scope,
            "copied_by": self.copied_by,
        }


@contextlib.contextmanager
def _reported(report: Report):
    """A step's failure recorded in ``report`` (which travels with the error): nothing was written."""
    try:
        yield
    except StepError as exc:
        report.failed = {"step": exc.step, "reason": exc.reason}
        report.written, report.snapshot, report.load_id = False, None, None
        exc.report = report
        raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run(
    paths: list[str | Path],
    *,
    write: bool,
    user: str | None = None,
    data_dir: Path | None = None,
    names: dict[str, str] | None = None,
) -> Report:
    """Read, validate and (when ``write``) load files. ``names`` maps a path to the name to report.

    Steps: read → validate, and for a load copy → upsert → marts → checks → checkpoint → publish.
    A failing step raises its StepError (carrying the report); nothing is published then."""
    report = Report(written=write)
    with _reported(report):
        _run(report, paths, write, user, data_dir, names or {})
    return report


def _run(report: Report, paths, write: bool, user: str | None, data_dir: Path | None, names: dict) -> None:
    with report.timed("read"):
        cleaned: list[str] = []
        files = expand(paths)
        sheets = [s for f in files for s in read_file(f, names.get(str(f)))]
        check_batch(sheets)  # a batch of headers only has nothing to load: a read-step refusal
        report.files = [
            {"name": names.get(str(f), f.name), "sha256": _sha256(f), "bytes": f.stat().st_size} for f in files
        ]
        root = Path(data_dir) if data_dir else settings.data_dir()
    with contextlib.ExitStack() as locked:
        with report.timed("read"):
            if write:  # the files are read before waiting for another load; the current data after
                locked.enter_context(store.load_lock(root))
                cleaned = store.clean_debris(root)  # what loads that died left, said among the notes
            current = store.usable_current(root)
        with _work(report, "validate") as (con, draft):
            with report.timed("validate"):
                # Against the current data, read-only, whether checking or loading: a check and a load
                # of the same files judge them alike.
                if current:
                    con.execute(f"attach {lit(str(current))} as db (read_only)")
                batch = validate(con, sheets, has_db=current is not None)
                batch.notices[:0] = cleaned
                if not write:
                    report.compared = compare(con, batch, has_db=current is not None)
                if current:
                    con.execute("detach db")
            report.tables, report.rejected, report.notices = batch.counts, batch.rejected, batch.notices
            if not write:
                return
            _copy(con, draft, root, current, report)
            report.load_id = _load(con, batch, report, user)
        _publish(draft.path, root, report)


@dataclass
class _Draft:
    """The new, unpublished snapshot a load or rebuild writes (``….duckdb.draft``, None until the copy
    step made it); it gets its published name only when it is published."""

    path: Path | None = None

    def discard(self) -> None:
        if self.path:
            for victim in (self.path, Path(f"{self.path}.wal")):
                with contextlib.suppress(FileNotFoundError):
                    victim.unlink()


@contextlib.contextmanager
def _work(report: Report, step: str):
    """A working in-memory connection (opened as part of ``step``) and the draft it writes. On any
    failure the connection is closed first (closing must not write the file or its WAL back) and
    the draft deleted, so nothing half-written is left and ``CURRENT`` never moved."""
    with report.timed(step):
        con = duckdb.connect(config=store.DUCKDB_CONFIG)
    draft = _Draft()
    try:
        yield con, draft
    except BaseException:
        con.close()
        draft.discard()
        raise
    con.close()


def _copy(con, draft: _Draft, root: Path, current: Path | None, report: Report) -> None:
    """Step 'copy': the current snapshot (or nothing, at the first load) copied to a new draft,
    attached as ``db`` with the schema this version expects."""
    with report.timed("copy"):
        draft.path = store.new_draft_path(root)
        if current:
            try:
                report.copied_by = copy_snapshot(current, draft.path)
            except OSError as exc:  # a full disk, say: one sentence naming the folder
                raise store.write_failure(exc, draft.path.parent) from exc
        con.execute(f"attach {lit(str(draft.path))} as db")
        _ensure_schema(con)


_FICLONE = 0x40049409  # linux/fs.h: share the source's blocks (btrfs, XFS with reflink, bcachefs)
# Errors saying a reflink is not available here (ext4, tmpfs, another file system): the file is
# copied instead. Any other error (a full disk) is the copy's.
_NO_REFLINK = {errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EBADF}


def copy_snapshot(source: Path, target: Path) -> str:
    """Copy the snapshot file ``source`` to the new file ``target`` and say how: "reflink" where the
    file system can share the blocks until either file changes (no data copied), else "copyfile"
    (``shutil.copyfile``, which Linux runs in the kernel by sendfile; ``os.copy_file_range`` measured
    no faster on ext4: README, "What a person waits for")."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
            return "reflink"
        except OSError as exc:
            if exc.errno not in _NO_REFLINK:
                raise
    shutil.copyfile(source, target)
    return "copyfile"


def _publish(target: Path, root: Path, report: Report) -> None:
    """Step 'publish': give the draft ``target`` its published name and point ``CURRENT`` at it. When
    the pointer was not replaced, the draft is deleted and the old snapshot stays current; once it was,
    the load stands even if pruning old snapshots then failed (said in a notice)."""
    final = store.published_path(target)
    try:
        with report.timed("publish"):
            try:
                store.publish(target, root)
            except OSError as exc:
                raise store.write_failure(exc, root) from exc
    except PublishStepError as exc:
        named, unreadable = store.pointed(root)
        if unreadable or named != final.name:
            _Draft(target).discard()
            if not unreadable:  # CURRENT surely does not name it: it was never published
                _Draft(final).discard()
            raise
        report.notices.append(f"snapshot lama tidak terhapus / old snapshots not pruned: {exc.reason}")
    report.snapshot = final.name
    datapackage.publish(final, root, report)  # the public downloads as a static data package (never fails the load)


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("use db")
    try:
        con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
        # The stage model comes from the one declaration in dasbor/domain.py, at every load.
        con.register("_tahap", pa.Table.from_pylist(domain.tahap_ref_rows()))
        con.execute("create or replace table tahap_ref as select * from _tahap")
        con.unregister("_tahap")
        (n,) = con.execute("select count(*) from wilayah").fetchall()[0]
        if n == 0:
            con.register("_w", pa.Table.from_pylist([r.__dict__ for r in regions()]))
            con.execute("insert into wilayah select kode, nama, tingkat, kode_provinsi, nama_provinsi from _w")
            con.register("_u", pa.Table.from_pylist(urusan_rows()))
            con.execute("insert into urusan select kode_bidang, nama_bidang_urusan, kelompok from _u")
        # Shipped population, for every region and year no load has covered (a loaded row replaces
        # the shipped one of its year by the table's key, and carries no sumber).
        con.register("_p", pa.Table.from_pylist(population_rows()))
        con.execute(
            "insert into penduduk (kode_wilayah, tahun, jumlah, sumber) "
            "select p.kode_wilayah, p.tahun, p.jumlah, ? from _p p "
            "anti join penduduk d on d.kode_wilayah = p.kode_wilayah and d.tahun = p.tahun "
            "semi join wilayah w on w.kode = p.kode_wilayah",
            [POPULATION_SOURCE],
        )
        con.unregister("_p")
    finally:
        con.execute("use memory")


def _capaian_scale(con: duckdb.DuckDBPyConnection) -> None:
    """The competitions' rounds, for reading ``penghargaan.capaian`` on its ajang's scale: ``capaian_ref``
    (every round of dasbor/domain.py, like ``tahap_ref``) and ``capaian_baca`` (each distinct capaian
    text of each ajang in the data, and the round it is, keyed by the one normalisation rule), built
    before the derived tables at every load and rebuild. The rows keep the text as reported ('Top 99');
    the validator has refused texts off a scale since the scale exists, and an older row whose text is
    no round of its ajang (or an empty capaian) is an entry whose round is unknown. Runs inside ``use db``."""
    con.register("_capaian_skala", pa.Table.from_pylist(domain.capaian_ref_rows()))
    con.execute("create or replace table capaian_ref as select * from _capaian_skala")
    con.unregister("_capaian_skala")
    keys = {(k["ajang"], k["kunci"]): k["kanonik"] for k in capaian_keys()}
    pairs = con.execute("select distinct ajang, capaian from penghargaan where capaian is not null").fetchall()
    read = [{"ajang": a, "teks": c, "capaian": keys[(a, norm_key(c))]} for a, c in pairs if (a, norm_key(c)) in keys]
    schema = pa.schema([("ajang", pa.string()), ("teks", pa.string()), ("capaian", pa.string())])
    con.register("_capaian_teks", pa.Table.from_pylist(read, schema=schema))
    con.execute("create or replace table capaian_baca as select * from _capaian_teks")
    con.unregister("_capaian_teks")


def _db_columns(con, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = 'db' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    # muatan_id is the load's; penduduk.sumber marks shipped rows (a loaded row has none)
    return [r[0] for r in rows if r[0] not in ("muatan_id", "sumber")]


def _accepted_sql(name: str, cols: list[str]) -> str:
    select = ", ".join("false as turunan" if c == "turunan" else c for c in cols)
    base = f"select {select} from v_{name} where len(_errors) = 0"
    if name == "tahapan":
        # The same stage twice: the later date replaces the earlier, the later row breaking a tie
        # (DESIGN.md section 3).
        return one_per_key(
            "select * from v_tahapan where len(_errors) = 0", "kode_inovasi, tahap", "tanggal desc, _row desc", select
        )
    if name == "penghargaan":
        return f"select distinct * from ({base})"
    return base


def compare(con, batch: Batch, has_db: bool) -> dict[str, dict[str, int]]:
    """What loading the batch would do to each table, by the key and the rows ``_upsert`` uses: rows
    whose key the current data (attached as ``db``) lacks are ``new``, rows whose key it holds with
    other values ``changed``, rows it holds as they are ``unchanged`` (a re-upload: all of them), and
    valid rows that a later row of the batch with the same key replaces ``repeated``. The four add up
    to the table's valid rows. Stage rows derived from ``inovasi.tahap_terkini`` are not counted."""
    out = {}
    for name in batch.tables:
        key = TABLE_BY_NAME[name].key
        cols = _db_columns(con, name) if has_db else []
        con.execute(f"create or replace temp table _cmp as {_accepted_sql(name, cols or list(key))}")
        (total,) = con.execute("select count(*) from _cmp").fetchall()[0]
        new, unchanged = total, 0
        if cols and _has_rows(con, name):
            match = " and ".join(f"d.{k} is not distinct from b.{k}" for k in key)
            (new,) = con.execute(f"select count(*) from _cmp b anti join db.{name} d on {match}").fetchall()[0]
            (unchanged,) = con.execute(
                f"select count(*) from (select * from _cmp intersect select {', '.join(cols)} from db.{name})"
            ).fetchall()[0]
        con.execute("drop table _cmp")
        out[name] = {
            "new": new,
            "changed": total - new - unchanged,
            "unchanged": unchanged,
            "repeated": batch.counts[name]["loaded"] - total,
        }
    return out


def _has_rows(con, table: str, where: str = "true") -> bool:
    """Whether ``db.<table>`` has any row meeting ``where`` (stops at the first)."""
    (found,) = con.execute(f"select count(*) > 0 from (select 1 from db.{table} where {where} limit 1)").fetchall()[0]
    return found


class _Scope:
    """What a load touched, for building the derived tables incrementally: the innovations
    (``_rekam_kode``) and award regions (``_rekam_wilayah``) whose rows in the tables marts.sql
    reads were inserted, changed or deleted, recorded by each write as it happens. ``why`` says why
    the build will be full instead (None while an incremental one is possible); once set, nothing
    more is recorded."""

    def __init__(self, con, why: str | None):
        self.con, self.why = con, why
        con.execute("create or replace temp table _rekam_kode (kode_inovasi varchar)")
        con.execute("create or replace temp table _rekam_wilayah (kode_wilayah varchar)")

    def record(self, table: str, rows_sql: str) -> None:
        """The innovations or regions of ``rows_sql`` (rows of ``table``, or of its key), as touched."""
        column = MARTS_READ.get(table)
        if self.why is not None or column not in ("kode_inovasi", "kode_wilayah"):
            return
        into = "_rekam_kode" if column == "kode_inovasi" else "_rekam_wilayah"
        self.con.execute(f"insert into {into} select distinct {column} from ({rows_sql}) where {column} is not null")


def _scope(con, batch: Batch) -> _Scope:
    """Whether this load may build the derived tables incrementally, decided before it writes: the
    draft must hold every derived table, built by this version's marts.sql from these reference rows,
    and the batch must not already hold more innovations than an incremental build pays for."""
    have = {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = 'db'").fetchall()}
    if any(t not in have for t in (*MARTS, "versi_turunan")):
        return _Scope(con, "tabel turunan belum ada / no derived tables yet")
    if con.execute("select versi from db.versi_turunan").fetchall() != [(_marts_version(),)]:
        return _Scope(con, "tabel turunan dari versi lain / derived tables of another version")
    (total,) = con.execute("select count(*) from db.inovasi").fetchall()[0]
    sent = batch.counts.get("inovasi", {}).get("loaded", 0)
    if sent > INCREMENTAL_SHARE * total:
        return _Scope(con, f"{sent} baris inovasi dari {total} / {sent} innovation rows of {total}")
    return _Scope(con, None)


def _upsert(
    con,
    table: str,
    key: tuple[str, ...],
    rows_sql: str,
    load_id: int,
    among: str = "true",
    scope: _Scope | None = None,
) -> int:
    """Replace rows by key, touching only rows that are new or differ: a reload changes nothing.
    ``among`` narrows the rows the new ones can equal (a condition on the table's own columns);
    ``scope`` records the innovations (or regions) of the rows written."""
    names = _db_columns(con, table)
    cols = ", ".join(names)
    if not _has_rows(con, table, among):
        # Nothing to compare with or replace (a first load): insert straight away.
        if scope:
            scope.record(table, rows_sql)
        (n,) = con.execute(
            f"insert into db.{table} ({cols}, muatan_id) select {cols}, ? from ({rows_sql})", [load_id]
        ).fetchall()[0]
        return n
    # The new rows are compared only with the rows of their own keys (not the whole table: a monthly
    # report into the country's data compares dozens of rows, not millions).
    con.execute(f"create or replace temp table _new as {rows_sql}")
    same_key = " and ".join(f"t.{k} is not distinct from n.{k}" for k in key)
    con.execute(
        f"create or replace temp table _chg as (from _new) except "
        f"(select {', '.join(f't.{c}' for c in names)} from (from db.{table} where {among}) t semi join _new n on {same_key})"
    )
    con.execute("drop table _new")
    match = " and ".join(f"t.{k} is not distinct from k.{k}" for k in key)
    con.execute(f"delete from db.{table} t using (select distinct {', '.join(key)} from _chg) k where {match}")
    con.execute(f"insert into db.{table} ({cols}, muatan_id) select {cols}, ? from _chg", [load_id])
    (n,) = con.execute("select count(*) from _chg").fetchall()[0]
    if scope:
        scope.record(table, "from _chg")
    return n


def _derive_history(con, batch: Batch, load_id: int, scope: _Scope | None = None) -> int:
    """Stage rows from inovasi.tahap_terkini and its dates, for innovations with no real history."""
    real_in_batch = (
        "select kode_inovasi from v_tahapan where len(_errors) = 0"
        if "tahapan" in batch.tables
        else "select null::varchar as kode_inovasi where false"
    )
    # Real history replaces derived rows, whichever batch the innovation itself came in.
    if _has_rows(con, "tahapan", "turunan"):
        replaced = f"turunan and kode_inovasi in ({real_in_batch})"
        if scope:
            scope.record("tahapan", f"select kode_inovasi from db.tahapan where {replaced}")
        con.execute(f"delete from db.tahapan where {replaced}")
    if "inovasi" not in batch.tables:
        return 0
    # Innovations with no real history: the batch's real rows were upserted already, so db.tahapan
    # holds every innovation that has one.
    con.execute(
        """
        create or replace temp table _affected as
        select kode_inovasi, tahap_terkini, tanggal_usulan, tanggal_uji_coba, tanggal_penerapan, _file, _sheet, _row
        from v_inovasi
        anti join (select kode_inovasi from db.tahapan where not turunan) using (kode_inovasi)
        where len(_errors) = 0
        """
    )
    con.execute(
        """
        create or replace temp table _derived as
        select kode_inovasi, s.tahap, s.tanggal, null::varchar as nomor_dokumen,
            null::varchar as catatan, true as turunan
        from (
            select kode_inovasi, unnest([
                {'tahap': 'usulan', 'tanggal': tanggal_usulan},
                {'tahap': 'uji_coba', 'tanggal': tanggal_uji_coba},
                {'tahap': 'penerapan', 'tanggal': tanggal_penerapan}]) as s
            from _affected
        )
        where s.tanggal is not null
        """
    )
    undated = con.execute(
        """
        select a._file, a._sheet, a._row
        from _affected a join db.tahap_ref r on r.tahap = a.tahap_terkini
        where a.tahap_terkini <> 'usulan' and a.tahap_terkini not in (
            select tahap from _derived d where d.kode_inovasi = a.kode_inovasi)
        order by a._file, a._sheet, a._row
        """
    ).fetchall()
    if undated:
        rows = ", ".join(str(r[2]) for r in undated[:5]) + (", ..." if len(undated) > 5 else "")
        batch.notices.append(
            f"{undated[0][0]}: {len(undated)} inovasi punya tahap_terkini tanpa tanggalnya (baris {rows}); "
            f"tahap itu tampil sebagai tahap terkini tetapi tanpa tanggal di riwayat / "
            f"{len(undated)} innovations have a current stage without its date; shown as current, undated"
        )
    # Derived rows of re-sent innovations are recomputed; only rows that differ are touched.
    stale = """turunan
            and kode_inovasi in (select kode_inovasi from _affected)
            and not exists (select 1 from _derived d where d.kode_inovasi = t.kode_inovasi
                            and d.tahap = t.tahap and d.tanggal = t.tanggal)"""
    if scope:
        scope.record("tahapan", f"select kode_inovasi from db.tahapan t where {stale}")
    con.execute(f"delete from db.tahapan t where {stale}")
    return _upsert(con, "tahapan", ("kode_inovasi", "tahap"), "select * from _derived", load_id, "turunan", scope=scope)


def _load(con, batch: Batch, report: Report, user: str | None) -> int:
    with report.timed("upsert"):
        scope = _scope(con, batch)
        (load_id,) = con.execute("select coalesce(max(id), 0) + 1 from db.muatan").fetchall()[0]
        for name in LOAD_ORDER:
            if name not in batch.tables:
                continue
            table = TABLE_BY_NAME[name]
            rows_sql = _accepted_sql(name, _db_columns(con, name))
            batch.counts[name]["changed"] = _upsert(con, name, table.key, rows_sql, load_id, scope=scope)
        derived = _derive_history(con, batch, load_id, scope)
        if derived:
            batch.counts.setdefault("tahapan", {"read": 0, "loaded": 0, "rejected": 0, "changed": 0})
            batch.counts["tahapan"]["derived"] = derived
        # Logged before the marts are built, so info_data sees this load; a failed step below still
        # discards the whole snapshot, log entry included.
        _record(con, load_id, report, user)
    _build_marts(con, report, scope)
    return load_id


# What marts.sql's names for the two ways of building become (see the head of marts.sql).
_FULL = {"sentuh": "", "sentuh_wilayah": "", "nomor_inovasi": "(row_number() over ())::integer"}
_INCREMENTAL = {
    "sentuh": "semi join _sentuh using (kode_inovasi)",
    "sentuh_wilayah": "semi join _sentuh_wilayah using (kode_wilayah)",
    "nomor_inovasi": "(select u.id_inovasi from _sentuh as u where u.kode_inovasi = inovasi.kode_inovasi)",
}
_CREATE = re.compile(r"\s*create or replace table (\w+) as\s", re.IGNORECASE)


def _marts_sql() -> str:
    """marts.sql with the stage numbers of dasbor/domain.py filled in, for a full build."""
    return _marts_template(_FULL)


def _marts_template(ways: dict[str, str]) -> str:
    text = (SQL_DIR / "marts.sql").read_text(encoding="utf-8")
    return string.Template(text).substitute({**domain.sql_values(), **ways})


def _marts_sql_incremental() -> str:
    """marts.sql for a build of the innovations in ``_sentuh`` and the regions in ``_sentuh_wilayah``:
    each per-innovation or per-region table's "create or replace table T as Q" becomes a delete of
    those rows from T and an insert of Q's rows; the other statements stay as they are."""
    out = []
    for statement in duckdb.extract_statements(_marts_template(_INCREMENTAL)):
        query = statement.query
        made = _CREATE.match(query)
        name = made and made[1]
        if name in PER_INNOVATION or name in PER_REGION:
            column = PER_INNOVATION.get(name) or PER_REGION[name]
            among = "_sentuh" if name in PER_INNOVATION else "_sentuh_wilayah"
            out.append(f"delete from {name} where {column} in (select {column} from {among});\n")
            query = f"insert into {name} by name\n{query[made.end() :]}"
        out.append(query)
    return "".join(out)


def _marts_version() -> str:
    """Which derived tables a snapshot holds: the digest of the SQL that built them and of the
    reference rows from dasbor/domain.py they read (stages, competition rounds, the spellings of a
    round), so that a change to either builds them all again."""
    digest = hashlib.sha256(_marts_sql().encode("utf-8"))
    reference = [domain.tahap_ref_rows(), domain.capaian_ref_rows(), capaian_keys()]
    digest.update(json.dumps(reference, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()[:16]


def _touched(con, scope: _Scope) -> tuple[int, int, int]:
    """``_sentuh``: the touched innovations with the id each keeps (its id in the snapshot's
    inovasi_status, or for one new to it the next above every id in use, in the order of its code);
    returns (innovations touched, regions touched, innovations in the snapshot)."""
    con.execute(
        """
        create or replace temp table _sentuh as
        with k as (select distinct kode_inovasi from _rekam_kode),
        top as (select coalesce(max(id_inovasi), 0) as maks from db.inovasi_status)
        select k.kode_inovasi, coalesce(
            s.id_inovasi,
            (select maks from top) + row_number() over (partition by s.id_inovasi is null order by k.kode_inovasi)
        )::integer as id_inovasi
        from k left join db.inovasi_status s using (kode_inovasi)
        """
    )
    con.execute("create or replace temp table _sentuh_wilayah as select distinct kode_wilayah from _rekam_wilayah")
    (touched,) = con.execute("select count(*) from _sentuh").fetchall()[0]
    (regions,) = con.execute("select count(*) from _sentuh_wilayah").fetchall()[0]
    (total,) = con.execute("select count(*) from db.inovasi").fetchall()[0]
    return touched, regions, total


def _build_marts(con, report: Report, scope: _Scope | None = None) -> None:
    """Steps 'marts', 'checks', 'checkpoint': build the derived tables from the base tables (all of
    them, or with ``scope`` of a load only the touched innovations' rows when few were touched),
    check the invariants (on the touched keys after an incremental build), write the draft out and
    detach it."""
    with report.timed("marts"):
        why = "bangun ulang / rebuild" if scope is None else scope.why
        if why is None:
            touched, regions, total = _touched(con, scope)
            report.marts_scope = {"innovations": touched, "regions": regions, "of": total}
            if touched > INCREMENTAL_SHARE * total:
                why = f"{touched} inovasi tersentuh dari {total} / {touched} innovations touched of {total}"
        report.marts_mode = "full" if why else "incremental"
        if why:
            report.marts_scope["why"] = why
        con.execute("use db")
        try:
            _capaian_scale(con)
            con.execute(_marts_sql() if why else _marts_sql_incremental())
            con.execute("create or replace table versi_turunan as select ?::varchar as versi", [_marts_version()])
        finally:
            con.execute("use memory")
    with report.timed("checks"):
        broken = checks.violations(con) if why else checks.violations(con, scope=checks.Scope())
        if broken:
            raise ChecksStepError("pemeriksaan setelah muat gagal / post-load check failed: " + "; ".join(broken))
    with report.timed("checkpoint"):
        con.execute("checkpoint db")
        con.execute("detach db")


def marts_missing(snapshot: Path) -> list[str]:
    """Derived tables this version of the dashboard reads that ``snapshot`` lacks, and ``versi_turunan``
    when the ones it has were built by other SQL (an older version): either way, rebuild them."""
    # Through the process's shared reader: a second read-only connection with another configuration
    # fails while one is open (the load's data package, or a dashboard, has read this snapshot).
    con = store.reader(snapshot).cursor()
    try:
        have = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        built = con.execute("select versi from versi_turunan").fetchall() if "versi_turunan" in have else []
    finally:
        con.close()
    missing = [t for t in MARTS if t not in have]
    return missing if missing or built == [(_marts_version(),)] else ["versi_turunan"]


def rebuild(data_dir: Path | None = None) -> Report:
    """A new snapshot with the same base data and freshly built derived tables (after an upgrade).
    Steps: read → copy → marts → checks → checkpoint → publish, failing as ``run`` does."""
    report = Report(written=True)
    with _reported(report):
        with report.timed("read"):
            root = Path(data_dir) if data_dir else settings.data_dir()
        with contextlib.ExitStack() as locked:
            with report.timed("read"):
                locked.enter_context(store.load_lock(root))
                report.notices.extend(store.clean_debris(root))
                current = store.usable_current(root)
            if current is None:
                raise LoadError("belum ada data untuk dibangun ulang / no data loaded yet")
            with _work(report, "copy") as (con, draft):
                _copy(con, draft, root, current, report)
                _build_marts(con, report)
            _publish(draft.path, root, report)
    return report


@dataclass
class Doctor:
    """What `etl doctor` did, one line each (Indonesian / English), and whether CURRENT is usable now."""

    actions: list[str] = field(default_factory=list)
    ok: bool = True


def doctor(data_dir: Path | None = None) -> Doctor:
    """Repair the data folder, holding the load lock: remove what dead loads left, read every block of
    every snapshot and move damaged ones aside (``<name>.rusak``), and when CURRENT is broken point it,
    atomically, at the newest valid snapshot. Raises StoreError when the folder cannot be written."""
    from dasbor import accounts

    root = Path(data_dir) if data_dir else settings.data_dir()
    done = Doctor()
    if not root.exists():
        done.actions.append(f"belum ada data di {root} / no data in {root} yet")
        return done
    with store.load_lock(root):
        done.actions.extend(store.clean_debris(root))
        done.actions.extend(accounts.clean_debris())
        named, problem = store.pointed(root)
        valid, damaged = None, {}
        for snap in store.published(root):
            why = store.check_snapshot(snap, full=True)
            if why is None:
                valid = valid or snap
                continue
            moved = store.set_aside(snap)
            damaged[snap.name] = why
            done.actions.append(
                f"{snap.name} rusak ({why[0]}), disisihkan sebagai {moved.name}; hapus bila tidak diperlukan lagi / "
                f"{snap.name} is damaged ({why[1]}), moved aside as {moved.name}; delete it once it is no longer needed"
            )
        if named in damaged:
            why = damaged[named]
            problem = store.StoreError(
                f"snapshot {named} yang ditunjuk CURRENT rusak ({why[0]})",
                f"the snapshot {named} that CURRENT names is damaged ({why[1]})",
            )
        elif named is not None and not (root / store.SNAPSHOT_DIR / named).exists():
            problem = store.StoreError(
                f"CURRENT menunjuk {named}, yang tidak ada", f"CURRENT names {named}, which does not exist"
            )
        elif named is not None:
            done.actions.append(f"CURRENT baik: menunjuk {named} / CURRENT is fine: it names {named}")
            return done
        elif problem is None:
            if valid is None:
                done.actions.append("belum ada data; muat dengan `python -m etl load PATH` / no data loaded yet")
                return done
            problem = store.StoreError(
                f"CURRENT tidak ada di {root}, padahal ada snapshot",
                f"CURRENT is missing from {root}, though snapshots exist",
            )
        if valid is None:
            try:
                (root / store.POINTER).unlink(missing_ok=True)
            except OSError as exc:
                raise store.write_failure(exc, root) from exc
            done.ok = False
            done.actions.append(
                f"{problem.id} dan tidak ada snapshot yang valid: CURRENT dihapus, jadi muatan berikutnya mulai "
                f"dari kosong; muat ulang semua berkas / {problem.en} and no snapshot is valid: CURRENT was "
                "removed, so the next load starts empty; load every file again"
            )
            return done
        store.repoint(valid.name, root)
        done.actions.append(
            f"{problem.id}; CURRENT kini menunjuk {valid.name}, snapshot valid terbaru / "
            f"{problem.en}; CURRENT now names {valid.name}, the newest valid snapshot"
        )
    return done


def _record(con, load_id: int, report: Report, user: str | None) -> None:
    who = user or settings.get("load_user") or getpass.getuser()
    con.execute(
        "insert into db.muatan values (?, ?, ?, ?::json, ?::json, ?, ?::json)",
        [
            load_id,
            datetime.now(UTC),
            who,
            json.dumps(report.files),
            json.dumps(report.tables),
            len({(r["file"], r["sheet"], r["row"]) for r in report.rejected}),
            json.dumps(report.notices),
        ],
    )
    if report.rejected:
        rows = [
            {
                "muatan_id": load_id,
                "berkas": r["file"],
                "lembar": r["sheet"],
                "baris": r["row"],
                "kolom": r["column"],
                "nilai": r["value"],
                "alasan": r["reason"],
                "alasan_en": r["reason_en"],
            }
            for r in report.rejected
        ]
        con.register("_rej", pa.Table.from_pylist(rows))
        con.execute("insert into db.baris_ditolak select * from _rej")


__all__ = [
    "STEPS",
    "ChecksStepError",
    "Doctor",
    "CheckpointStepError",
    "CopyStepError",
    "LoadError",
    "MartsStepError",
    "PublishStepError",
    "ReadError",
    "ReadStepError",
    "Report",
    "StepError",
    "UpsertStepError",
    "ValidateStepError",
    "doctor",
    "rebuild",
    "run",
]
