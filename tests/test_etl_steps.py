"""Every step of a load fails under its own name, publishes nothing and shows no traceback; and the
Kelola Data page reads through its query module and shows what uploaded files say only as text."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import duckdb
import pytest

from conftest import INOVASI_HEADER, ROOT, app_at, inovasi_row, write_csv
from dasbor import fmt, store
from etl import checks
from etl import load as etl_load
from etl.__main__ import main
from etl.load import STEP_ERRORS, STEPS, LoadError, StepError, rebuild, run

KELOLA = "pages/7_kelola_data.py"


def raising(exc: BaseException):
    def fail(*args, **kwargs):
        raise exc

    return fail


class FailsAt:
    """A DuckDB connection that fails one statement, for a step with no Python function to break."""

    def __init__(self, con, statement: str):
        self._con, self._statement = con, statement

    def execute(self, sql, *args, **kwargs):
        if sql.strip() == self._statement:
            raise duckdb.IOException(f"'{self._statement}' dibuat gagal untuk uji")
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _fail_checkpoint(mp):
    connect = duckdb.connect
    fake = SimpleNamespace(connect=lambda **kw: FailsAt(connect(**kw), "checkpoint db"), Error=duckdb.Error)
    mp.setattr(etl_load, "duckdb", fake)


# How each step is broken, and what its message then says after the step's name.
BREAK = {
    "read": (lambda mp: mp.setattr(etl_load, "read_file", raising(OSError(5, "Input/output error"))), "Input/output"),
    "validate": (
        lambda mp: mp.setattr(etl_load, "validate", raising(duckdb.IOException("validasi rusak"))),
        "basis data / database: validasi rusak",
    ),
    "copy": (
        lambda mp: mp.setattr(etl_load, "shutil", SimpleNamespace(copyfile=raising(OSError(28, "No space left")))),
        "No space left",
    ),
    "upsert": (
        lambda mp: mp.setattr(etl_load, "_record", raising(duckdb.ConstraintException("log rusak"))),
        "basis data / database: log rusak",
    ),
    "marts": (
        lambda mp: mp.setattr(etl_load, "_marts_sql", lambda: "select * from tabel_yang_tidak_ada"),
        "tabel_yang_tidak_ada",
    ),
    "checks": (
        lambda mp: mp.setattr(checks, "violations", lambda con: ["inovasi: rusak untuk uji"]),
        "post-load check failed: inovasi: rusak untuk uji",
    ),
    "checkpoint": (_fail_checkpoint, "'checkpoint db' dibuat gagal untuk uji"),
    "publish": (
        lambda mp: mp.setattr(store, "publish", raising(OSError(28, "No space left on device"))),
        "No space left on device",
    ),
}


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _state(data_dir) -> tuple[str, list[str], str]:
    """What must not move when a load fails: CURRENT, the snapshot files, the current snapshot's bytes."""
    current = (data_dir / "CURRENT").read_text(encoding="utf-8")
    files = sorted(p.name for p in (data_dir / "snapshots").iterdir())
    return current, files, _sha256(data_dir / "snapshots" / current.strip())


@pytest.fixture
def second_batch(tmp_path, data_dir):
    """One load published ('A'), and the folder of a second batch ('A' and 'B') to load on top."""
    write_csv(tmp_path / "first", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    assert run([tmp_path / "first"], write=True).exit_code == 0
    store.close_readers()
    write_csv(tmp_path / "second", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A"), inovasi_row("B")])
    return tmp_path / "second"


def _expect_unchanged(data_dir, before) -> None:
    assert _state(data_dir) == before  # CURRENT did not move, no draft left, the old snapshot untouched
    assert store.query("select count(*) n from inovasi").n[0] == 1


def test_every_step_has_its_own_error_named_for_it():
    assert STEPS == ("read", "validate", "copy", "upsert", "marts", "checks", "checkpoint", "publish")
    assert set(BREAK) == set(STEPS)
    classes = [STEP_ERRORS[s] for s in STEPS]
    assert len(set(classes)) == len(STEPS) and all(issubclass(c, StepError) for c in classes)
    assert issubclass(StepError, LoadError)
    message = str(STEP_ERRORS["marts"](duckdb.CatalogException("Table x does not exist!\nDid you mean y?")))
    assert message == (
        "gagal pada langkah 'marts' / failed at step 'marts': basis data / database: Table x does not exist!"
    )
    assert str(STEP_ERRORS["upsert"](KeyError("kode"))).endswith(": KeyError: 'kode'")  # a bug says what it is


@pytest.mark.parametrize("step", STEPS)
def test_a_failing_step_is_named_and_publishes_nothing(step, second_batch, data_dir):
    before = _state(data_dir)
    breaker, cause = BREAK[step]
    with pytest.MonkeyPatch.context() as mp, pytest.raises(STEP_ERRORS[step]) as failed:
        breaker(mp)
        run([second_batch], write=True)
    exc = failed.value
    assert exc.step == step
    assert str(exc).startswith(f"gagal pada langkah '{step}' / failed at step '{step}': ")
    assert cause in str(exc) and "\n" not in str(exc)
    report = exc.report.as_dict()
    assert report["failed"] == {"step": step, "reason": exc.reason}
    assert report["written"] is False and report["snapshot"] is None and report["exit_code"] == 1
    assert step in report["seconds"]
    _expect_unchanged(data_dir, before)


@pytest.mark.parametrize("step", STEPS)
def test_the_command_line_names_the_failed_step_in_one_line_and_in_the_report(
    step, second_batch, data_dir, capsys, tmp_path
):
    before = _state(data_dir)
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        BREAK[step][0](mp)
        code = main(["load", str(second_batch), "--report", str(tmp_path / "r.json")])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(f"gagal pada langkah '{step}' / failed at step '{step}': ")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err + out
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["failed"]["step"] == step and report["exit_code"] == 1 and report["snapshot"] is None
    _expect_unchanged(data_dir, before)


SITECUSTOMIZE = textwrap.dedent(
    """
    # Breaks one step of `python -m etl load` in this process, as a test asks (INOVASI_TEST_BREAK).
    import os

    step = os.environ.get("INOVASI_TEST_BREAK")
    if step == "marts":
        import etl.load

        etl.load._marts_sql = lambda: "select * from tabel_yang_tidak_ada"
    elif step == "publish":
        from dasbor import store

        def publish(*args, **kwargs):
            raise OSError(28, "No space left on device")

        store.publish = publish
    """
)


def _etl(args: list[str], data_dir, tmp_path, step: str | None = None) -> subprocess.CompletedProcess:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {
        **os.environ,
        "INOVASI_DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)]),
        "INOVASI_TEST_BREAK": step or "",
    }
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("step", ["marts", "publish"])
def test_python_m_etl_load_exits_1_naming_the_step_without_a_traceback(step, second_batch, data_dir, tmp_path):
    before = _state(data_dir)
    proc = _etl(["load", str(second_batch), "--report", str(tmp_path / "r.json")], data_dir, tmp_path, step)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"gagal pada langkah '{step}' / failed at step '{step}': ")
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr + proc.stdout
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["failed"]["step"] == step
    _expect_unchanged(data_dir, before)
    # Unbroken, the same command loads the batch.
    assert _etl(["load", str(second_batch)], data_dir, tmp_path).returncode == 0
    store.close_readers()
    assert store.query("select count(*) n from inovasi").n[0] == 2


def test_a_pointer_to_a_missing_snapshot_fails_the_read_step_without_a_traceback(second_batch, data_dir, tmp_path):
    (data_dir / "CURRENT").write_text("inovasi-hilang.duckdb\n", encoding="utf-8")
    proc = _etl(["load", str(second_batch)], data_dir, tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith("gagal pada langkah 'read' / failed at step 'read': ") and "hilang" in proc.stderr
    assert "Traceback" not in proc.stderr and (data_dir / "CURRENT").read_text() == "inovasi-hilang.duckdb\n"
    missing = _etl(["load", str(tmp_path / "tidak-ada.csv")], data_dir, tmp_path)
    assert missing.returncode == 1 and "failed at step 'read'" in missing.stderr and "Traceback" not in missing.stderr


def test_a_check_that_cannot_validate_names_the_step_and_writes_nothing(tmp_path, data_dir, monkeypatch, capsys):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    BREAK["validate"][0](monkeypatch)
    assert main(["check", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("gagal pada langkah 'validate' / failed at step 'validate': ")
    assert not (data_dir / "CURRENT").exists() and not (data_dir / "snapshots").exists()


def test_pruning_that_fails_after_the_pointer_moved_keeps_the_load(second_batch, data_dir, monkeypatch):
    monkeypatch.setattr(store, "_prune", raising(PermissionError(13, "Permission denied")))
    report = run([second_batch], write=True)
    assert report.failed is None and report.exit_code == 0
    assert (data_dir / "CURRENT").read_text().strip() == report.snapshot
    assert any("old snapshots not pruned" in n and "Permission denied" in n for n in report.notices)


def test_an_interrupted_load_leaves_no_draft_and_exits_130(second_batch, data_dir, monkeypatch, capsys):
    before = _state(data_dir)
    monkeypatch.setattr(etl_load, "_record", raising(KeyboardInterrupt()))
    assert main(["load", str(second_batch)]) == 130
    assert "dibatalkan" in capsys.readouterr().err
    _expect_unchanged(data_dir, before)


def test_a_failing_rebuild_names_its_step_and_keeps_the_current_snapshot(second_batch, data_dir, monkeypatch, capsys):
    before = _state(data_dir)
    BREAK["marts"][0](monkeypatch)  # (restored after the test)
    with pytest.raises(STEP_ERRORS["marts"]) as failed:
        rebuild()
    assert failed.value.report.failed["step"] == "marts"
    assert _state(data_dir) == before
    capsys.readouterr()
    assert main(["rebuild"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gagal pada langkah 'marts' / failed at step 'marts': ") and "Traceback" not in err
    assert _state(data_dir) == before


# Kelola Data

PAYLOAD = "![p](http://host/pixel.png)"


LITERAL = ("text", "code", "dataframe")  # elements that show their content as it is, never as Markdown


def _rendered_as_markdown(at) -> str:
    """Everything on the page outside plain-text elements (text, code, table cells): Markdown, captions,
    alerts, headings, widget labels."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(
        str(node.proto)
        for node in walk(at._tree)
        if getattr(node, "proto", None) is not None and node.type not in LITERAL
    )


def _admin_ctx():
    from dasbor.access import Viewer
    from dasbor.filters import Filters
    from dasbor.frame import Ctx

    return Ctx("kelola", "id", Filters(), Viewer("admin", name="uji_admin"))


def test_kelola_page_lays_out_only_inside_main_and_runs_no_sql_itself():
    source = (ROOT / KELOLA).read_text(encoding="utf-8")
    tree = ast.parse(source)
    body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
    docstring, call = body[0], body[-1]
    assert len(body) == 2 and isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)
    assert ast.unparse(call) == "main()" and tree.body[-1] is call
    imported = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    assert not imported & {"data", "store", "duckdb"}
    texts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [s for s in texts if re.search(r"\bselect\b.*\bfrom\b", s, re.IGNORECASE | re.DOTALL)]


def test_kelola_queries_serve_admins_only(sample_data):
    from dasbor.access import Viewer
    from dasbor.queries import kelola

    ctx = _admin_ctx()
    ctx.viewer = Viewer("nasional", name="uji_nasional")
    for query in (lambda: kelola.history(ctx), lambda: kelola.rejected(ctx, 1)):
        with pytest.raises(PermissionError):
            query()


def test_kelola_history_and_rejected_rows_come_from_the_kelola_queries(sample_data, tmp_path, monkeypatch):
    from dasbor.queries import kelola

    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("RIW-1"), inovasi_row("RIW-2", inisiator="x")])
    done = run([tmp_path], write=True, user="petugas.riwayat")
    store.close_readers()
    calls = []
    history, rejected = kelola.history, kelola.rejected

    def spy_history(ctx):
        calls.append(("history", ctx.viewer.role))
        return history(ctx)

    def spy_rejected(ctx, load_id):
        calls.append(("rejected", load_id))
        return rejected(ctx, load_id)

    monkeypatch.setattr(kelola, "history", spy_history)
    monkeypatch.setattr(kelola, "rejected", spy_rejected)
    at = app_at(KELOLA, role="admin")
    assert calls == [("history", "admin"), ("rejected", done.load_id)]
    expected = history(_admin_ctx())
    shown = at.dataframe[0].value
    assert list(shown["#"]) == list(expected.id) and shown["#"].iloc[0] == done.load_id
    assert list(shown["Oleh"]) == list(expected.pengguna) and shown["Oleh"].iloc[0] == "petugas.riwayat"
    assert list(shown["Berkas"]) == list(expected.berkas)
    assert (shown["Baris dimuat"].iloc[0], shown["Baris ditolak"].iloc[0]) == (1, 1)
    assert shown["Waktu (UTC)"].iloc[0] == fmt.moment(expected.waktu.iloc[0], "id")
    rows = at.dataframe[1].value
    want = rejected(_admin_ctx(), done.load_id)
    assert list(rows["Baris"]) == list(want.baris) == [3]
    assert list(rows["Kolom"]) == ["inisiator"] and list(rows["Nilai"]) == ["x"]
    assert list(rows["Alasan"]) == list(want.alasan) and "Reason" not in rows
    # Another load picked in the list: its rows, again through the query module.
    first = int(expected.id.iloc[-1])
    at.selectbox[0].set_value(first).run()
    assert not at.exception and calls[-1] == ("rejected", first)


def test_kelola_shows_markdown_from_an_uploaded_file_only_as_literal_text(sample_data):
    at = app_at(KELOLA, role="admin")
    header = [*INOVASI_HEADER, PAYLOAD]
    body = "\n".join(
        [
            ";".join(header),
            ";".join([*inovasi_row("MD-1"), "x"]),
            ";".join([*inovasi_row("MD-2", inisiator=PAYLOAD), ""]),
        ]
    ).encode()
    at.file_uploader[0].upload("inovasi.csv", body, "text/csv").run()
    assert not at.exception
    assert any(PAYLOAD in t.value and "tidak dikenal" in t.value for t in at.text)  # the ignored header
    assert list(at.dataframe[1].value["Nilai"]) == [PAYLOAD]  # the rejected cell, in a table cell
    assert PAYLOAD not in _rendered_as_markdown(at)
    next(b for b in at.button if b.label.startswith("Muat")).click().run()
    assert not at.exception and "Dimuat sebagai muatan" in at.success[0].value
    history_rows = at.dataframe[-1].value  # the new load's rejected rows, under the history
    assert list(history_rows["Nilai"]) == [PAYLOAD]
    assert PAYLOAD not in _rendered_as_markdown(at)

    # A file whose very name is the payload: the read step fails and quotes the name, as text.
    at = app_at(KELOLA, role="admin")
    at.file_uploader[0].upload(f"{PAYLOAD}.csv", b"a;b\n1;2\n", "text/csv").run()
    assert not at.exception
    assert "tidak dapat diperiksa" in at.error[0].value
    assert any(PAYLOAD in t.value and "failed at step 'read'" in t.value for t in at.text)
    assert PAYLOAD not in _rendered_as_markdown(at)

    # A file that is not what its name claims: the name beside the reason, as text.
    at = app_at(KELOLA, role="admin")
    at.file_uploader[0].upload(f"{PAYLOAD}.xlsx", b"bukan buku kerja", "application/octet-stream").run()
    assert not at.exception
    assert "bukan buku kerja Excel" in at.error[0].value
    texts = [t.value for t in at.text]  # the file's name; below, the history's reasons in full
    assert texts[0] == f"{PAYLOAD}.xlsx" and all(" baris: " in x for x in texts[1:]), texts
    assert PAYLOAD not in _rendered_as_markdown(at)


def test_kelola_after_a_load_shows_the_load_not_the_stale_check_and_reasons_in_full(sample_data):
    at = app_at(KELOLA, role="admin")
    body = "\n".join(
        [";".join(INOVASI_HEADER), ";".join(inovasi_row("FRESH-1")), ";".join(inovasi_row("FRESH-2", inisiator="x"))]
    ).encode()
    at.file_uploader[0].upload("inovasi.csv", body, "text/csv").run()
    assert any("(belum dimuat)" in m.value for m in at.markdown)
    reason = at.dataframe[1].value["Alasan"].iloc[0]
    assert any(t.value == f"1 baris: {reason}" for t in at.text)  # the whole reason, as text
    next(b for b in at.button if b.label.startswith("Muat")).click().run()
    assert not at.exception
    assert "Dimuat sebagai muatan" in at.success[0].value
    assert not any("(belum dimuat)" in m.value for m in at.markdown)  # the check of the loaded files is gone
    assert not at.button or not any(b.label.startswith("Muat") for b in at.button)  # nothing offered again
    assert not at.file_uploader[0].value  # the uploader is empty for the next report
