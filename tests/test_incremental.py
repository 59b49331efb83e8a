"""Incremental publish: a small load rebuilds only the touched innovations' derived rows, and the
result is the same as building everything (etl/load.py, etl/sql/marts.sql, etl/checks.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dasbor import store
from etl import checks
from etl import load as etl_load
from etl.load import MARTS, MARTS_READ, rebuild, run
from etl.sample import write_sample
from etl.validate import SQL_DIR

BASE_INNOVATIONS = 300  # asked of the sample, which adds its own hand-made innovations


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, sep=";", index=False)


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> tuple[Path, Path, dict]:
    """The national sample, and one region's monthly report against it: new innovations (one with
    only its current stage, so its history is derived), later stages and an exit for existing ones,
    real history replacing an existing innovation's derived one, one innovation no longer public, a
    later evaluation, an award, and rows that are rejected (a stage that does not exist, an unknown
    region)."""
    root = tmp_path_factory.mktemp("incremental")
    base = write_sample(root / "base", innovations=BASE_INNOVATIONS, seed=11)
    fresh = write_sample(root / "fresh", innovations=40, seed=12)
    report = root / "report"
    report.mkdir()
    inovasi, tahapan = _csv(base / "inovasi.csv"), _csv(base / "tahapan.csv")
    evaluasi = _csv(base / "evaluasi.csv")

    # New innovations: another sample's, renumbered so that none is in the base, of its busiest region.
    new = {name: _csv(fresh / f"{name}.csv") for name in ("inovasi", "tahapan", "evaluasi", "penghargaan")}
    region = new["inovasi"].kode_wilayah.value_counts().index[0]
    keep = set(new["inovasi"].kode_inovasi[new["inovasi"].kode_wilayah == region])
    for name, frame in new.items():
        frame = frame[frame.kode_inovasi.isin(keep)].copy()
        frame["kode_inovasi"] = frame.kode_inovasi.str.replace("-000", "-900", regex=False)
        new[name] = frame
    undated = new["inovasi"].iloc[[0]].copy()  # history derived from tahap_terkini and its date
    undated["kode_inovasi"] = undated.kode_inovasi.str.replace("-900", "-901", regex=False)
    undated["tahap_terkini"], undated["tanggal_uji_coba"] = "uji_coba", "01/06/2025"

    # Existing innovations with real history: a later exit for two, a stage moved for one.
    real = tahapan.groupby("kode_inovasi").size().index[:3].tolist()
    moved = tahapan[tahapan.kode_inovasi == real[2]].copy()
    moved["tanggal"] = pd.to_datetime(moved.tanggal, dayfirst=True)
    moved = moved[moved.tanggal == moved.tanggal.max()].iloc[[0]]  # its last stage, ten days later
    moved["tanggal"] = (moved.tanggal + pd.Timedelta(days=10)).dt.strftime("%d/%m/%Y")
    exits = pd.DataFrame(
        {"kode_inovasi": real[:2], "tahap": "dihentikan", "tanggal": "15/12/2025", "nomor_dokumen": ""}
    )
    # An existing innovation whose history was derived (no stage rows) gets real history.
    derived = inovasi[(inovasi.tahap_terkini != "") & ~inovasi.kode_inovasi.isin(tahapan.kode_inovasi)]
    assert len(derived), "the sample has innovations with a derived history"
    replaced = derived.iloc[0]
    real_rows = pd.DataFrame(
        {"kode_inovasi": [replaced.kode_inovasi], "tahap": ["usulan"], "tanggal": [replaced.tanggal_usulan]}
    )
    bogus = pd.DataFrame({"kode_inovasi": [real[0]], "tahap": ["tahap_khayalan"], "tanggal": ["01/01/2025"]})
    _write(
        pd.concat([new["tahapan"], exits, moved, real_rows, bogus], ignore_index=True).fillna(""),
        report / "tahapan.csv",
    )

    # One public innovation no longer public (sent again with publikasi = tidak), one with an unknown region.
    public = inovasi[(inovasi.publikasi == "ya") & inovasi.kode_inovasi.isin(tahapan.kode_inovasi)].iloc[[0]].copy()
    public["publikasi"] = "tidak"
    stranger = new["inovasi"].iloc[[1]].copy()
    stranger["kode_inovasi"], stranger["kode_wilayah"] = "SAMPEL-9999-9999999", "99.99"
    _write(pd.concat([new["inovasi"], undated, public, stranger], ignore_index=True), report / "inovasi.csv")

    others = {*real, replaced.kode_inovasi, public.kode_inovasi.iloc[0]}
    later = evaluasi[~evaluasi.kode_inovasi.isin(others)].iloc[[0]].copy()
    later["tanggal_evaluasi"], later["hasil"] = "20/11/2025", "perlu_perbaikan"
    _write(pd.concat([new["evaluasi"], later], ignore_index=True), report / "evaluasi.csv")
    _write(new["penghargaan"], report / "penghargaan.csv")
    touched = {"base": len(inovasi), "existing": {*others, later.kode_inovasi.iloc[0]}}
    assert len(touched["existing"]) == 6  # each change on an innovation of its own
    return base, report, touched


def _load(batch: Path, data_dir: Path, **kw):
    report = run([batch], write=True, data_dir=data_dir, **kw)
    store.close_readers()
    return report


def _marts(snapshot: Path) -> dict[str, list[tuple]]:
    """Every derived table (and the base tables they are built from) as sorted rows, id_inovasi
    replaced by the code its snapshot's inovasi_status gives it: the id is a number per snapshot,
    which an incremental build keeps for untouched innovations and a full one assigns afresh, so two
    snapshots can only agree on what it names. A table that has both keeps its code as well, so
    a row pointing at another innovation's id would differ."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        out = {}
        for name in (*MARTS, "inovasi", "tahapan", "evaluasi", "penghargaan"):
            cols = [r[0] for r in con.execute(f"describe {name}").fetchall()]
            if name == "info_data":  # the time of the latest load: each snapshot's own load
                sql = "select * exclude (dimuat_pada), dimuat_pada = (select max(waktu) from muatan) as waktu from info_data"
            elif "id_inovasi" in cols:
                sql = (
                    f"select t.* exclude (id_inovasi), s.kode_inovasi as kode_dari_id from {name} t "
                    "left join inovasi_status s using (id_inovasi) order by all"
                )
            else:
                sql = f"select * from {name} order by all"
            out[name] = con.sql(sql).to_arrow_table().to_pylist()
        (dupes,) = con.execute("select count(*) - count(distinct id_inovasi) from inovasi_status").fetchone()
        assert dupes == 0
        return out
    finally:
        con.close()


def _same(left: dict, right: dict) -> None:
    for name in left:
        assert left[name] == right[name], f"{name} differs"


@pytest.fixture(scope="module")
def loaded(batches, tmp_path_factory) -> dict:
    """The base loaded, then the monthly report: incrementally, and with incremental building off."""
    base, report, _ = batches
    root = tmp_path_factory.mktemp("loaded")
    _load(base, root / "start")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INOVASI_DATA_DIR", str(root / "start"))
        for mode, share in (("incremental", 0.5), ("full", 0.0)):
            copy = root / mode
            shutil.copytree(root / "start", copy)
            mp.setattr(etl_load, "INCREMENTAL_SHARE", share)
            mp.setenv("INOVASI_DATA_DIR", str(copy))
            out[mode] = (_load(report, copy), copy)
    return out


def test_an_incremental_load_gives_the_tables_of_a_full_build(loaded, batches):
    (inc, inc_dir), (full, full_dir) = loaded["incremental"], loaded["full"]
    assert inc.marts_mode == "incremental" and full.marts_mode == "full"
    assert inc.rejected and inc.exit_code == 3  # the report's bad rows were rejected, the rest loaded
    assert {r["column"] for r in inc.rejected} >= {"tahap", "kode_wilayah"}
    touched = inc.marts_scope["innovations"]
    new = inc.tables["inovasi"]["changed"] - 1  # one existing innovation sent again, changed
    assert touched >= new + len(batches[2]["existing"])
    assert inc.marts_scope["of"] == batches[2]["base"] + new
    assert 0 < touched < inc.marts_scope["of"]
    _same(_marts(store.published(inc_dir)[0]), _marts(store.published(full_dir)[0]))


def test_a_rebuild_after_an_incremental_load_changes_nothing(loaded, monkeypatch, tmp_path):
    inc_dir = tmp_path / "rebuilt"
    shutil.copytree(loaded["incremental"][1], inc_dir)
    monkeypatch.setenv("INOVASI_DATA_DIR", str(inc_dir))
    before = store.published(inc_dir)[0]
    after = rebuild(inc_dir)
    store.close_readers()
    assert after.marts_mode == "full" and "rebuild" in after.marts_scope["why"]
    now = store.published(inc_dir)[0]
    assert now != before
    _same(_marts(before), _marts(now))


def test_untouched_innovations_keep_their_ids_and_new_ones_get_new_ids(loaded, batches):
    (_, inc_dir), start = loaded["incremental"], loaded["incremental"][1].parent / "start"

    def ids(snapshot: Path) -> dict[str, int]:
        con = duckdb.connect(str(snapshot), read_only=True)
        try:
            return dict(con.execute("select kode_inovasi, id_inovasi from inovasi_status").fetchall())
        finally:
            con.close()

    old, now = ids(store.published(start)[0]), ids(store.published(inc_dir)[0])
    assert all(now[k] == v for k, v in old.items())  # touched or not, an innovation keeps its id
    added = set(now) - set(old)
    assert added and min(now[k] for k in added) > max(old.values())


def test_the_report_says_which_way_the_tables_were_built(loaded):
    shown = loaded["incremental"][0].as_dict()
    assert shown["marts_mode"] == "incremental"
    assert set(shown["marts_scope"]) == {"innovations", "regions", "of"}
    assert shown["marts_scope"]["regions"] >= 1  # the award rows' region
    assert shown["copied_by"] in ("reflink", "copyfile")
    full = loaded["full"][0].as_dict()
    assert full["marts_mode"] == "full" and full["marts_scope"]["why"]


def test_the_first_load_builds_everything(batches, data_dir):
    report = _load(batches[0], data_dir)
    assert report.marts_mode == "full"
    assert "no derived tables" in report.marts_scope["why"]


def _small(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    folder.mkdir(exist_ok=True)
    (folder / "penduduk.csv").write_text("kode_wilayah;tahun;jumlah\n71.07;2024;123457\n", encoding="utf-8")
    return folder


def test_a_load_that_touches_no_innovation_is_incremental_and_rebuilds_nothing_of_theirs(batches, data_dir, tmp_path):
    _load(batches[0], data_dir)
    report = _load(_small(tmp_path), data_dir)
    assert report.tables["penduduk"]["changed"] == 1
    assert report.marts_mode == "incremental"
    assert report.marts_scope == {"innovations": 0, "regions": 0, "of": batches[2]["base"]}
    before = _marts(store.published(data_dir)[-1])
    after = _marts(store.current_snapshot())
    for name in before:
        if name != "info_data":  # the time of the latest load is this load's
            assert before[name] == after[name], name


def test_a_snapshot_of_another_marts_version_or_missing_a_table_builds_everything(batches, data_dir, tmp_path):
    _load(batches[0], data_dir)
    with duckdb.connect(str(store.current_snapshot())) as con:
        con.execute("update versi_turunan set versi = 'older'")
    report = _load(_small(tmp_path), data_dir)
    assert report.marts_mode == "full" and "another version" in report.marts_scope["why"]
    with duckdb.connect(str(store.current_snapshot())) as con:
        con.execute("drop table tahap_keluar")
    report = _load(_small(tmp_path), data_dir)
    assert report.marts_mode == "full" and "no derived tables" in report.marts_scope["why"]
    report = _load(_small(tmp_path), data_dir)  # built again: incremental from here on
    assert report.marts_mode == "incremental"


def test_a_load_touching_more_than_the_share_builds_everything(batches, data_dir, monkeypatch):
    _load(batches[0], data_dir)
    # The report sends 22 valid innovation rows and touches more innovations (their stages, awards,
    # evaluations): a share above the one, below the other.
    monkeypatch.setattr(etl_load, "INCREMENTAL_SHARE", 23 / batches[2]["base"])
    report = _load(batches[1], data_dir)
    assert report.marts_mode == "full"
    assert re.search(r"\d+ innovations touched of \d+", report.marts_scope["why"])
    monkeypatch.setattr(etl_load, "INCREMENTAL_SHARE", 0.0)  # a batch of more innovation rows than that
    report = _load(batches[0], data_dir)
    assert report.marts_mode == "full" and "innovation rows of" in report.marts_scope["why"]


def test_scoped_checks_find_a_broken_rule_on_a_touched_innovation_only(batches, data_dir):
    _load(batches[0], data_dir)
    con = duckdb.connect()
    con.execute(f"attach '{store.current_snapshot()}' as db")
    codes = [r[0] for r in con.execute("select kode_inovasi from db.inovasi_status order by 1 limit 2").fetchall()]
    con.execute(
        "create temp table _sentuh as select kode_inovasi, id_inovasi from db.inovasi_status where kode_inovasi = ?",
        [codes[0]],
    )
    con.execute("create temp table _sentuh_wilayah (kode_wilayah varchar)")
    assert checks.violations(con, scope=checks.Scope()) == []
    # a touched innovation given the id of an untouched one: found by the scoped checks
    con.execute(
        "update _sentuh set id_inovasi = (select id_inovasi from db.inovasi_status where kode_inovasi = ?)", [codes[1]]
    )
    con.execute(
        "update db.inovasi_status set id_inovasi = (select id_inovasi from _sentuh) where kode_inovasi = ?", [codes[0]]
    )
    assert any("inovasi_status: key (id_inovasi) not unique" in v for v in checks.violations(con, scope=checks.Scope()))
    # an untouched innovation's status row repeated: its key is outside the scope (the count of status
    # rows, checked whole, sees that one); the full checks name the key
    con.execute("insert into db.inovasi_status select * from db.inovasi_status where kode_inovasi = ?", [codes[1]])
    assert not any("key (kode_inovasi) not unique" in v for v in checks.violations(con, scope=checks.Scope()))
    assert any("inovasi_status: key (kode_inovasi) not unique" in v for v in checks.violations(con))
    con.close()


def test_marts_sql_reads_only_the_tables_whose_changes_the_loader_follows():
    sql = (SQL_DIR / "marts.sql").read_text(encoding="utf-8")
    sql = re.sub(r"--[^\n]*", "", sql)
    read = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)", sql, re.IGNORECASE))
    temps = set(re.findall(r"create or replace temp table (\w+)", sql)) | {"latest", "final", "current", "rule"}
    ctes = set(re.findall(r"\b(\w+) as \(", sql))
    unknown = (
        read
        - set(MARTS_READ)
        - set(MARTS)
        - temps
        - ctes
        - {"_sentuh", "_sentuh_wilayah", "tahapan_transisi", "tahap_capai"}
    )
    assert not unknown, f"marts.sql reads {unknown}: say in etl.load.MARTS_READ how a load's change reaches it"
