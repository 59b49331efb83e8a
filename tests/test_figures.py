"""Every figure is defined once, in both languages, and docs/figures.md lists exactly those definitions."""

from __future__ import annotations

import pytest

from dasbor import figures


def test_every_figure_has_its_name_definition_and_unit_in_both_languages():
    every = figures.all_figures()
    assert len(every) >= 10
    for f in every:
        for text in (f.name_id, f.name_en, f.definition_id, f.definition_en, f.unit_id, f.unit_en):
            assert text.strip(), f.key
        assert f.definition_id != f.definition_en, f.key  # translated, not copied
        assert f.module.startswith("dasbor.queries."), f.key
    assert len({f.key for f in every}) == len(every)


def test_a_second_definition_of_one_figure_is_refused():
    first = figures.all_figures()[0]
    with pytest.raises(ValueError, match="defined twice"):
        figures.define(first.key, ("lain", "other"), ("definisi lain", "another definition"), ("x", "x"))


def test_docs_list_every_figure_as_declared():
    assert figures.DOC.read_text(encoding="utf-8") == figures.markdown(), "run: python -m dasbor.figures"
