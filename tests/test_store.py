"""Query results reach pandas by way of Arrow with the column types DuckDB's own ``.df()`` gives."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dasbor import store

TYPES = """
    select * from (values
        (1, 10::bigint, true, date '2024-01-02', timestamp '2024-01-02 03:04:05', 1.50::decimal(18, 2),
         'teks', 7::hugeint, 'x'::enum('x', 'y'), 1.5::float, 2.5::double, 3::utinyint),
        (null, 11, null, null, null, null, null, null, null, null, null, null),
        (3, 12, false, date '1999-12-31', timestamp '1999-12-31 23:59:59', -2.25, 'Kopi & <b>Teh</b>',
         170141183460469231731687303715884105727::hugeint, 'y', -0.5, null, 255)
    ) t(i, big, b, d, ts, dec, s, h, e, f, dbl, u)
"""


@pytest.mark.parametrize(
    "sql",
    [
        TYPES,
        "select * from range(5000) t(x) where x % 7 = 0",  # many rows, no nulls
        "select 1 as a, 2 as a",  # repeated column names stay repeated
        "select [1, 2] as l, {'k': 1} as st, interval 3 day as iv",  # nested types go through .df()
        "select * from (values (1)) t(x) where false",  # no rows
    ],
)
def test_frames_from_arrow_equal_duckdbs_own(sql):
    con = duckdb.connect()
    want = con.execute(sql).df()
    got = store.frame(con.sql(sql).to_arrow_table())
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_results_in_many_chunks_arrive_whole_and_in_order():
    con = duckdb.connect()
    con.execute("set threads = 2")
    sql = "select x, 'k' || (x % 13) as s, case when x % 5 = 0 then null else x end as n from range(300000) t(x)"
    table = con.sql(sql).to_arrow_table()
    got = store.frame(table)
    assert len(got) == 300_000 and got.x.is_monotonic_increasing
    assert str(got.n.dtype) == "Int64" and got.n.isna().sum() == 60_000
    pd.testing.assert_frame_equal(got, con.execute(sql).df(), check_exact=True)


def test_a_snapshot_reader_holds_no_more_memory_than_configured(tmp_path, monkeypatch):
    snapshot = tmp_path / "s.duckdb"
    duckdb.connect(str(snapshot)).close()
    monkeypatch.setenv("INOVASI_READER_MEMORY_MB", "64")
    store.close_readers()
    try:
        limit = store.query("select current_setting('memory_limit') as m", snapshot=snapshot).m[0]
    finally:
        store.close_readers()
    assert limit == "61.0 MiB"  # 64 MB, as DuckDB prints it (64,000,000 bytes)
