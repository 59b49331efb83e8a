"""The hand edits after codemod_i18n.py: pairs held in constants, conditionals, lambdas. Run from repo root."""

import re
import sys
from pathlib import Path

sys.path.insert(0, "tools/i18n_migration")
from manual_i18n_lib import edit, failed  # noqa: E402

LAMBDA = 't = (lambda a, b: a) if lang == "id" else (lambda a, b: b)'
# --- translators instead of lambdas
edit("dasbor/auth.py", LAMBDA, "t = i18n.translator(lang)")
edit("dasbor/spine.py", LAMBDA, "t = i18n.translator(lang)", count=3)
edit(
    "dasbor/queries/katalog.py",
    'def _t(lang: str):\n    return lambda id_text, en_text: id_text if lang == "id" else en_text\n',
    "def _t(lang: str) -> i18n.Translator:\n    return i18n.translator(lang)\n",
)
# --- auth: a stored problem is a message id and its parameter
edit(
    "dasbor/auth.py",
    """                st.session_state["signout_problem"] = (
                    f"Anda keluar di peramban ini, tetapi {exc.id}.",
                    f"You are signed out in this browser, but {exc.en}.",
                )""",
    """                st.session_state["signout_problem"] = (exc.id, exc.en)""",
)
edit(
    "dasbor/auth.py",
    "        st.sidebar.error(t(*problem))",
    '        st.sidebar.error(t("Anda keluar di peramban ini, tetapi {cause}.", cause=i18n.pick(lang, *problem)))',
)
edit("dasbor/auth.py", "t(exc.id, exc.en)", "i18n.pick(lang, exc.id, exc.en)")
# --- frame: filter names are marked messages
edit("dasbor/frame.py", "t(*FILTER_NAMES[key])", "t(FILTER_NAMES[key])")
edit("dasbor/frame.py", 'FILTER_NAMES[n][0 if self.lang == "id" else 1]', "self.t(FILTER_NAMES[n])", count=2)
for key, idw, enw in (
    ("tahun", "tahun usulan", "proposal years"),
    ("provinsi", "provinsi", "province"),
    ("wilayah", "wilayah", "region"),
    ("sumber", "sumber", "source"),
    ("bentuk", "bentuk", "form"),
    ("jenis", "jenis", "type"),
    ("urusan", "urusan", "affair"),
    ("tahap", "tahap", "stage"),
):
    edit("dasbor/frame.py", f'    "{key}": ("{idw}", "{enw}"),', f'    "{key}": N_("{idw}"),')
# --- kegiatan/kompetisi: the signed-in notice
edit(
    "dasbor/kegiatan_view.py",
    """SIGNED_IN = (
    "Kegiatan pembinaan dan keikutsertaan dalam kompetisi tampil bagi pengguna yang sudah masuk.",
    "Outreach events and competition entries are shown to signed-in users.",
)""",
    """SIGNED_IN = N_("Kegiatan pembinaan dan keikutsertaan dalam kompetisi tampil bagi pengguna yang sudah masuk.")""",
)
edit("dasbor/kompetisi_view.py", "t(*SIGNED_IN)", "t(SIGNED_IN)", count=2)
edit(
    "dasbor/kegiatan_view.py",
    r"""        t\(
            f" Tanpa titik \(kurang dari \{outreach.MIN_EVENTS\} kegiatan yang dapat dihitung\): "
            \+ ", ".join\(few.label\)
            \+ ".",
            f" No point \(fewer than \{outreach.MIN_EVENTS\} computable events\): " \+ ", ".join\(few.label\) \+ ".",
        \)""",
    """        t(
            " Tanpa titik (kurang dari {n} kegiatan yang dapat dihitung): {kinds}.",
            n=outreach.MIN_EVENTS,
            kinds=", ".join(few.label),
        )""",
    regex=True,
)
# --- katalog: column headers and yes/no are marked messages
edit(
    "dasbor/queries/katalog.py",
    'YES_NO = {True: ("Ya", "Yes"), False: ("Tidak", "No")}',
    'YES_NO = {True: N_("Ya"), False: N_("Tidak")}',
)
edit("dasbor/queries/katalog.py", "t(*YES_NO[bool(v)])", "t(YES_NO[bool(v)])")
edit("dasbor/queries/katalog.py", "columns: dict[str, tuple[str, str]]", "columns: dict[str, str]")
edit("dasbor/queries/katalog.py", "{k: t(*v) for k, v in columns.items()}", "{k: t(v) for k, v in columns.items()}")
# --- perbandingan: the cohort phrase
edit(
    "pages/2_perbandingan_wilayah.py",
    r"""    cohort = t\(
        f"usulan tahun \{years\[0\]\}–\{years\[1\]\}" if years else "usulan semua tahun",
        f"proposals of \{years\[0\]\}–\{years\[1\]\}" if years else "proposals of all years",
    \)""",
    """    cohort = t("usulan tahun {first}–{last}", first=years[0], last=years[1]) if years else t("usulan semua tahun")""",
    regex=True,
)
# --- dampak: band names come from the domain in both languages
edit("pages/4_dampak.py", "t(name_id, name_en)", "i18n.pick(lang, name_id, name_en)")
# --- katalog page: section titles as marked messages
edit(
    "pages/5_katalog.py",
    """    for key, table, title_id, title_en, empty_id, empty_en in (
        ("evaluasi", q.evaluation_table, "Evaluasi", "Evaluations", "Belum dievaluasi.", "Not evaluated yet."),
        ("penghargaan", q.award_table, "Penghargaan", "Awards", "Belum ada penghargaan.", "No awards."),
    ):
        st.subheader(t(title_id, title_en))
        if rec[key].empty:
            st.caption(t(empty_id, empty_en))""",
    """    for key, table, title, empty in (
        ("evaluasi", q.evaluation_table, N_("Evaluasi"), N_("Belum dievaluasi.")),
        ("penghargaan", q.award_table, N_("Penghargaan"), N_("Belum ada penghargaan.")),
    ):
        st.subheader(t(title))
        if rec[key].empty:
            st.caption(t(empty))""",
)
# --- kelola: failure sentence, and why a file is not text (from the loader, in both languages)
edit(
    "pages/7_kelola_data.py",
    r"""        ctx.t\(
            "Pemuatan gagal; tidak ada yang dimuat dan data lama tetap dipakai."
            if loading
            else "Berkas tidak dapat diperiksa; tidak ada yang dimuat.",
            "The load failed; nothing was loaded and the old data stays in use."
            if loading
            else "The files could not be checked; nothing was loaded.",
        \)""",
    """        ctx.t("Pemuatan gagal; tidak ada yang dimuat dan data lama tetap dipakai.")
        if loading
        else ctx.t("Berkas tidak dapat diperiksa; tidak ada yang dimuat.")""",
    regex=True,
)
edit("pages/7_kelola_data.py", "return t(*why)", "return i18n.pick(ctx.lang, *why)")

# maps: its own lambdas
edit(
    "dasbor/maps.py", 't = (lambda i, e: i) if lang == "id" else (lambda i, e: e)', "t = i18n.translator(lang)", count=3
)
# katalog: LIST_COLUMNS headers as marked messages, and the calls of _t(lang)(...)
edit("dasbor/queries/katalog.py", r'(\n    "[a-z_]+": )\("([^"]+)", "[^"]+"\),', r'\1N_("\2"),', count=8, regex=True)
edit(
    "dasbor/queries/katalog.py",
    """    if domain_name == "ajang" and domain_name not in LABELS and value in AJANG_OTHER:
        return _t(lang)(*AJANG_OTHER[value])
""",
    "",
)
edit(
    "dasbor/queries/katalog.py",
    '_t(lang)(f"Provinsi {nama}", f"{nama} Province")',
    'i18n.tr(lang, "Provinsi {nama}", nama=nama)',
)
LIST_CAPTION_RE = r"""    return _t\(lang\)\(\n        f"\{n\} inovasi cocok"[\s\S]*?\n    \)\n"""
edit(
    "dasbor/queries/katalog.py",
    LIST_CAPTION_RE,
    """    t = _t(lang)
    return (
        t("{n} inovasi cocok", n=n)
        + (t("; {k} terbaru ditampilkan", k=k) if total > shown else "")
        + t(". Hari di tahap = hari sejak masuk tahap terkini (untuk tahap yang belum selesai). Pilih satu baris untuk melihat rinciannya.")
    )
""",
    regex=True,
)


def ensure_imports() -> None:
    roots = [*Path("dasbor").rglob("*.py"), *Path("pages").glob("*.py"), Path("dashboard.py")]
    for p in roots:
        if p.name == "i18n.py" and p.parent.name == "dasbor":
            continue
        s = p.read_text()
        lines = s.splitlines(keepends=True)
        add = []
        if re.search(r"\bi18n\.", s) and not re.search(r"^from dasbor import .*\bi18n\b|^import dasbor.i18n", s, re.M):
            add.append("from dasbor import i18n\n")
        if re.search(r"\bN_\(", s) and not re.search(r"^from dasbor.i18n import .*\bN_\b", s, re.M):
            add.append("from dasbor.i18n import N_\n")
        if not add:
            continue
        import ast

        at = max((n.end_lineno for n in ast.parse(s).body if isinstance(n, (ast.Import, ast.ImportFrom))), default=0)
        lines[at:at] = add
        p.write_text("".join(lines))


edit("dasbor/kegiatan_view.py", 'SIGNED_IN[0] if lang == "id" else SIGNED_IN[1]', "i18n.tr(lang, SIGNED_IN)", count=2)
edit(
    "dasbor/frame.py",
    """    def t(self, id_text: str, en_text: str) -> str:
        return id_text if self.lang == "id" else en_text
""",
    """    @property
    def t(self) -> i18n.Translator:
        \"\"\"This page's translator: ``ctx.t("{n} usulan", n=n)`` (dasbor.i18n).\"\"\"
        return i18n.translator(self.lang)
""",
)
ensure_imports()
if failed:
    print("\n".join(failed))
    sys.exit(1)
print("ok")
