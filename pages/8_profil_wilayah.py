"""Profil Wilayah: one region at a glance against its peer cluster and the nation, at its own address
(``?wil=71.07``), with a public version and a print document (``?cetak=1``)."""

from __future__ import annotations

import streamlit as st

from dasbor import kegiatan_view, kompetisi_view, maps, printing, profil_sections, profil_views
from dasbor.frame import page


def main() -> None:
    ctx = page("profil")
    where = profil_views.opened(ctx)
    if where is None:
        st.stop()
    profil_views.header(ctx, where)
    profil_views.spine_section(ctx, where)
    maps.neighbourhood_section(ctx, where.kode)
    profil_sections.trend(ctx, where)
    if ctx.viewer.role == "publik":
        profil_sections.public_stages(ctx, where)
        profil_sections.public_list(ctx, where)
    else:
        profil_sections.stages(ctx, where)
        profil_sections.stuck(ctx, where)
        profil_sections.impact(ctx, where)
        profil_sections.facts(ctx, where)
        # The region's outreach events and what followed them, and its part in the competitions: the
        # sections Ringkasan shows for one region, drawn without widgets in the print document. They
        # read internal tables, so the public version has neither (they have no public variant).
        kegiatan_view.region_section(ctx, where.kode, paper=printing.active())
        kompetisi_view.region_section(ctx, where.kode, paper=printing.active())
        profil_sections.replications(ctx, where)
        profil_sections.agencies(ctx, where)
    if printing.active():
        printing.print_when_drawn()


main()
