"""The domain is declared once (dasbor/domain.py): the SQL reference table, the labels, the contract
and every source file follow it, and no other file spells a stage list or a stage order number."""

from __future__ import annotations

import re

from conftest import INOVASI_HEADER, ROOT, inovasi_row, write_csv
from dasbor import domain, i18n, store
from etl import contract, sample
from etl.load import run

SOURCES = [
    p
    for p in [
        *ROOT.glob("*.py"),
        *ROOT.glob("dasbor/**/*.py"),
        *ROOT.glob("etl/**/*.py"),
        *ROOT.glob("etl/sql/*.sql"),
        *ROOT.glob("pages/*.py"),
        *ROOT.glob("benchmarks/*.py"),
    ]
    if p.name != "domain.py"
]
CODE = "|".join(domain.CODES)


def test_tahap_ref_in_a_snapshot_is_the_domain(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    assert run([tmp_path], write=True).exit_code == 0
    ref = store.query("select * from tahap_ref order by urutan, tahap")
    want = sorted(domain.tahap_ref_rows(), key=lambda r: (r["urutan"], r["tahap"]))
    assert ref.to_dict("records") == want


def test_labels_contract_and_flow_follow_the_domain():
    assert contract.STAGES == domain.CODES and contract.EXITS == domain.EXITS
    assert i18n.LABELS["tahap"] == {s.code: (s.id, s.en) for s in domain.STAGES}
    assert [domain.order(c) for c in domain.FLOW] == list(range(1, len(domain.FLOW) + 1))
    assert set(domain.DECISION) < set(domain.FLOW) and domain.TRIAL not in domain.DECISION
    # the sample generator's transition model only moves between stages the domain knows
    moves = {s for stage, (nexts, _, _) in sample.FLOW.items() for s in (stage, *nexts) if s != "-"}
    assert moves <= set(domain.CODES)


def test_no_other_file_spells_a_stage_list_or_a_stage_order_number():
    lists, numbers = [], []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if path.name != "sample.py":  # the generator's transition model is keyed by stage (checked above)
            # three or more stage codes in a row in one literal: a stage list written again
            for m in re.finditer(rf"(?:['\"](?:{CODE})['\"]\s*,\s*){{2,}}['\"](?:{CODE})['\"]", text):
                lists.append(f"{path.relative_to(ROOT)}: {m.group(0)[:60]}")
        # a stage mapped to a number, an order compared with a number, a per-stage column by number
        pattern = rf"['\"](?:{CODE})['\"]\s*:\s*\d|urutan(?:_maks)?\s*(?:[<>]=?|=|==)\s*\d|\bcapai_\d\b"
        for m in re.finditer(pattern, text):
            numbers.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert not lists, lists
    assert not numbers, numbers
