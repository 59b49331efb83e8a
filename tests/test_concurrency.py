"""A running dashboard reads while loads publish new snapshots: no lock errors, every version seen."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from conftest import INOVASI_HEADER, ROOT, inovasi_row, write_csv
from etl.load import run

READER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from dasbor import store
    # Reads until it has seen the last load's count (sys.argv[2]), or for at most a minute on a busy machine.
    seen, errors, deadline = set(), [], time.time() + 60
    while time.time() < deadline and int(sys.argv[2]) not in seen:
        try:
            seen.add(int(store.query("select count(*) as n from inovasi")["n"][0]))
        except Exception as exc:  # the test is about whether anything goes wrong here
            errors.append(repr(exc))
    print(json.dumps({"seen": sorted(seen), "errors": errors[:5], "n_errors": len(errors)}))
    """
)


def test_loads_while_another_process_reads_see_no_error(tmp_path, data_dir):
    write_csv(tmp_path / "0", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A0")])
    run([tmp_path / "0"], write=True)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(ROOT), "6"],
        stdout=subprocess.PIPE,
        text=True,
        env={"INOVASI_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
    )
    for i in range(1, 6):
        write_csv(tmp_path / str(i), "inovasi.csv", INOVASI_HEADER, [inovasi_row(f"A{i}")])
        assert run([tmp_path / str(i)], write=True).exit_code == 0
    out, _ = reader.communicate(timeout=90)
    result = json.loads(out)
    assert result["n_errors"] == 0, result["errors"]
    assert result["seen"][-1] == 6 and len(result["seen"]) >= 3, result["seen"]
