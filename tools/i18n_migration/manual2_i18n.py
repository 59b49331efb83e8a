"""Hand edits after the codemod and ruff format: pairs that flow in as parameters, words inside sentences."""

import sys

sys.path.insert(0, "tools/i18n_migration")
from manual_i18n_lib import edit, failed  # noqa: E402

edit(
    "dasbor/alur_views.py",
    '        week_if_active_1_els="week" if active == 1 else "weeks",\n',
    "",
)
edit(
    "dasbor/frame.py",
    """                    "Filter yang tidak diterapkan pada {what_0}: {which}. {why_id}",
                    what_0=what[0],
                    which=which,
                    why_id=why_id,
                    what_1=what[1],
                    why_en=why_en,""",
    """                    "Filter yang tidak diterapkan pada {what}: {which}. {why}",
                    what=i18n.pick(self.lang, *what),
                    which=which,
                    why=i18n.pick(self.lang, why_id, why_en),""",
)
edit(
    "dasbor/frame.py",
    '"Filter {which} tidak diterapkan di sini: {why_id}", which=which, why_id=why_id, why_en=why_en)',
    '"Filter {which} tidak diterapkan di sini: {why}", which=which, why=i18n.pick(self.lang, why_id, why_en))',
)
edit(
    "dasbor/frame.py",
    """                    "Tidak ada {what_id} untuk filter yang dipilih ({join_names}). Longgarkan filter di samping.",
                    what_id=what_id,
                    join_names=", ".join(names),
                    what_en=what_en,""",
    """                    "Tidak ada {what} untuk filter yang dipilih ({names}). Longgarkan filter di samping.",
                    what=i18n.pick(self.lang, what_id, what_en),
                    names=", ".join(names),""",
)
edit(
    "dasbor/frame.py",
    'self.t("Belum ada {what_id} dalam data.", what_id=what_id, what_en=what_en)',
    'self.t("Belum ada {what} dalam data.", what=i18n.pick(self.lang, what_id, what_en))',
)
edit(
    "dasbor/frame.py",
    """                "Pemerintah Provinsi {get_wilayah}",
                get_wilayah=names.get(f.wilayah, f.wilayah),
                get_wilayah2=names.get(f.wilayah),""",
    """                "Pemerintah Provinsi {name}",
                name=names.get(f.wilayah, f.wilayah),""",
)
edit(
    "dasbor/frame.py",
    """                    "{id}, dan tidak ada snapshot lain yang valid; jalankan `python -m etl doctor`, lalu muat ulang berkasnya.",
                    id=problem.id,
                    en=problem.en,""",
    """                    "{problem}, dan tidak ada snapshot lain yang valid; jalankan `python -m etl doctor`, lalu muat ulang berkasnya.",
                    problem=problem.text(ctx.lang),""",
)
edit(
    "dasbor/frame.py",
    """                    "{id}; yang tampil adalah `{name}`, snapshot valid terbaru; jalankan `python -m etl doctor` untuk memperbaikinya.",
                    id=problem.id,
                    name=shown.name,
                    en=problem.en,""",
    """                    "{problem}; yang tampil adalah `{name}`, snapshot valid terbaru; jalankan `python -m etl doctor` untuk memperbaikinya.",
                    problem=problem.text(ctx.lang),
                    name=shown.name,""",
)
edit(
    "dasbor/kegiatan_view.py",
    "{number_abs_did} usulan per bulan {lebih_banyak_if_more}**",
    "{number_abs_did} usulan per bulan {direction}**",
)
edit(
    "dasbor/kegiatan_view.py",
    '        lebih_banyak_if_more="lebih banyak" if more else "lebih sedikit",\n',
    '        direction=t("lebih banyak") if more else t("lebih sedikit"),\n',
)
edit("dasbor/kegiatan_view.py", '        more_if_more_else_fe="more" if more else "fewer",\n', "")
if failed:
    print("\n".join(failed))
    sys.exit(1)
print("ok2")
