"""The XLSX template's drop-down lists and input hints, read back with openpyxl as Excel would."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from dasbor.reference import regions
from etl.contract import DOMAINS, TABLES
from etl.load import run
from etl.template import DICTIONARY_SHEET, FIRST_ROW, LAST_ROW, REGION_LIST, other_spellings, write_template


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return load_workbook(write_template(tmp_path_factory.mktemp("tpl") / "templat.xlsx"))


def _validation(book, table, col):
    """The one validation covering the column's data rows."""
    sheet = book[table.name]
    letter = sheet.cell(row=1, column=[c.name for c in table.columns].index(col.name) + 1).column_letter
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}{FIRST_ROW}" in dv.sqref]
    assert len(found) == 1, f"{table.name}.{col.name}: {len(found)} validations"
    assert str(found[0].sqref) == f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}"
    return found[0]


def _listed(book, dv) -> list[str]:
    """The values a list validation offers: inline ("a,b") or through a defined name's range."""
    if dv.formula1.startswith('"'):
        return dv.formula1.strip('"').split(",")
    name = book.defined_names[dv.formula1]
    (sheet, ref), *_ = name.destinations
    lo_col, lo_row, hi_col, hi_row = range_boundaries(ref.replace("$", ""))
    assert lo_col == hi_col, ref
    return [book[sheet].cell(row=r, column=lo_col).value for r in range(lo_row, hi_row + 1)]


ENUMS = [(t, c) for t in TABLES for c in t.columns if c.domain]


@pytest.mark.parametrize(("table", "col"), ENUMS, ids=[f"{t.name}.{c.name}" for t, c in ENUMS])
def test_every_enumeration_has_a_drop_down_of_the_contract_codes(book, table, col):
    dv = _validation(book, table, col)
    assert dv.type == "list" and dv.showErrorMessage and dv.allow_blank
    assert _listed(book, dv) == list(DOMAINS[col.domain]) == col.accepted().split(", ")
    assert len(dv.formula1) <= 255  # Excel's limit for an inline list
    # The loader reads other spellings of these codes too (English names, the Kemendagri app's words),
    # so a typed one is questioned, not blocked; a domain without any would block.
    assert dv.errorStyle == ("warning" if other_spellings(col.domain) else "stop")
    assert dv.errorTitle and len(dv.errorTitle) <= 32
    assert " / " in dv.error and col.name in dv.error and len(dv.error) <= 225  # Excel's limit for an error


def test_the_loader_reads_english_names_of_enumerations_so_their_drop_downs_only_warn():
    assert {"no", "yes"} <= other_spellings("ya_tidak")
    assert "needs_improvement" in other_spellings("hasil")
    assert "tahap_uji_coba" in other_spellings("tahap")  # the contract's own example for tahap_terkini


def test_region_codes_offer_every_code_of_the_master_through_a_range(book):
    master = [r.kode for r in regions()]
    regional = [(t, c) for t in TABLES for c in t.columns if c.kind == "wilayah_kode"]
    assert {t.name for t, _ in regional} == {t.name for t in TABLES if "kode_wilayah" in [c.name for c in t.columns]}
    for table, col in regional:
        dv = _validation(book, table, col)
        assert dv.type == "list" and dv.formula1 == REGION_LIST and dv.errorStyle == "warning"
        assert _listed(book, dv) == master
    assert len(",".join(master)) > 255  # why an inline list would not do
    # the list sits on the dictionary sheet, which the loader never reads as data, beside each name
    (sheet, _), *_ = book.defined_names[REGION_LIST].destinations
    assert sheet == DICTIONARY_SHEET and book[sheet].sheet_state == "visible"
    names = {r.kode: r.nama for r in regions()}
    doc = book[DICTIONARY_SHEET]
    rows = [(doc.cell(row=i, column=11).value, doc.cell(row=i, column=12).value) for i in range(2, len(master) + 2)]
    assert rows == list(names.items())


def test_every_column_has_a_short_bilingual_input_hint(book):
    for table in TABLES:
        for col in table.columns:
            dv = _validation(book, table, col)
            assert dv.showInputMessage, f"{table.name}.{col.name}"
            assert dv.promptTitle.startswith(col.name) and len(dv.promptTitle) <= 32
            assert dv.promptTitle.endswith(" *") == col.required
            assert 0 < len(dv.prompt) <= 255, f"{table.name}.{col.name}: {len(dv.prompt)} characters"
            assert len(dv.error or "") <= 225 and len(dv.errorTitle or "") <= 32
            first, second = dv.prompt.split("\n")[:2]
            assert col.help_id.startswith(first.rstrip("…")) and col.help_en.startswith(second.rstrip("…"))


def test_limits_of_the_contract_are_in_the_hints_and_text_lengths_are_checked(book):
    inovasi = TABLES[0]
    budget = _validation(book, inovasi, inovasi.column("anggaran"))
    assert budget.type is None and "≥ 0" in budget.prompt  # a hint only: 'Rp150.000.000' is text to Excel
    name = _validation(book, inovasi, inovasi.column("deskripsi"))
    assert (name.type, name.operator, name.formula1, name.errorStyle) == (
        "textLength",
        "lessThanOrEqual",
        "5000",
        "stop",
    )
    assert "≤ 5.000 karakter" in name.prompt and "≤ 5,000 characters" in name.prompt
    ikm = _validation(book, TABLES[2], TABLES[2].column("ikm_sesudah"))
    assert "25–100" in ikm.prompt
    long = next(c for t in TABLES for c in t.columns if c.name == "capaian")
    hint = _validation(book, TABLES[3], long).prompt
    assert len(long.help_id) + len(long.help_en) > 255 and len(hint) <= 255 and "…" in hint


def test_a_template_filled_from_its_drop_downs_loads_cleanly(tmp_path):
    """Every enumeration filled with a value its drop-down offers, and a code from the region list."""
    path = write_template(tmp_path / "t.xlsx")
    book = load_workbook(path)
    sheet = book["inovasi"]
    row = {c.name: c.example for c in TABLES[0].columns}
    row.update(deskripsi="", replikasi_dari="", nama_wilayah="", tahap_terkini="uji_coba")
    for col in TABLES[0].columns:
        if col.domain:
            assert row[col.name] in _listed(book, _validation(book, TABLES[0], col))
    assert row["kode_wilayah"] in _listed(book, _validation(book, TABLES[0], TABLES[0].column("kode_wilayah")))
    for i, cell in enumerate(sheet[1], start=1):
        sheet.cell(row=2, column=i, value=row[cell.value] or None)
    book.save(path)
    report = run([path], write=False)
    assert report.exit_code == 0 and not report.rejected and not report.notices
    assert report.tables["inovasi"] == {"read": 1, "loaded": 1, "rejected": 0}
