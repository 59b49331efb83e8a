"""The frame of every page: title, language, menu, shared filters (kept in the URL), data freshness
and the sample-data banner. A page calls ``page(key)`` first and lays out only its own content."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from dasbor import a11y, access, auth, data, fmt, i18n, store, urlstate
from dasbor.access import Viewer
from dasbor.filters import LIST_FILTERS, Filters
from dasbor.i18n import N_, label, options
from dasbor.queries import common, publik

ROOT = Path(__file__).resolve().parent.parent

# key, script, Indonesian title, English title
PAGES = (
    ("ringkasan", "pages/1_ringkasan.py", "Ringkasan", "Overview"),
    ("wilayah", "pages/2_perbandingan_wilayah.py", "Perbandingan Wilayah", "Regions compared"),
    ("profil", "pages/8_profil_wilayah.py", "Profil Wilayah", "Region profile"),
    ("alur", "pages/3_alur_tahapan.py", "Alur Tahapan", "Stage flow"),
    ("dampak", "pages/4_dampak.py", "Dampak", "Impact"),
    ("katalog", "pages/5_katalog.py", "Katalog", "Catalogue"),
    ("transparansi", "pages/6_transparansi.py", "Transparansi", "Transparency"),
    ("kelola", "pages/7_kelola_data.py", "Kelola Data", "Manage data"),
)
INTERNAL = ("daerah", "nasional", "admin")
PAGE_ROLES = {  # who may open each page; checked before a page draws anything
    "ringkasan": INTERNAL,
    "wilayah": INTERNAL,
    "alur": INTERNAL,
    "dampak": INTERNAL,
    "katalog": INTERNAL,
    "transparansi": ("publik", *INTERNAL),
    "profil": ("publik", *INTERNAL),
    "kelola": ("admin",),
}
FILTER_NAMES = {
    "tahun": N_("tahun usulan"),
    "provinsi": N_("provinsi"),
    "wilayah": N_("wilayah"),
    "sumber": N_("sumber"),
    "bentuk": N_("bentuk"),
    "jenis": N_("jenis"),
    "urusan": N_("urusan"),
    "tahap": N_("tahap"),
}


@dataclass
class Ctx:
    key: str
    lang: str
    filters: Filters
    viewer: Viewer
    # Where the menu and the filter form go in the sidebar (set by page(); the sidebar's end otherwise).
    menu_slot: object = field(default=None, repr=False, compare=False)
    filter_slot: object = field(default=None, repr=False, compare=False)

    @property
    def t(self) -> i18n.Translator:
        """This page's translator: ``ctx.t("{n} usulan", n=n)`` (dasbor.i18n)."""
        return i18n.translator(self.lang)

    def where(self, alias: str = "s", filters: Filters | None = None) -> tuple[str, list]:
        return (filters or self.filters).where(self.viewer, alias)

    def viewer_scope(self, alias: str = "s") -> tuple[str, list]:
        """The viewer's scope alone, for looking up one record whatever the filters say."""
        return Filters().where(self.viewer, alias)

    def not_applied(
        self, names: tuple[str, ...], why_id: str, why_en: str, target=st, what: tuple[str, str] | None = None
    ) -> bool:
        """Say which active filters of ``names`` a figure does not apply, and why; True when it said so.
        A figure either applies every active filter or says this: under the figure as a caption, or,
        for several figures at once (``what`` names them), as a box above them."""
        active = self.filters.active()
        ignored = [self.t(FILTER_NAMES[n]) for n in names if n in active]
        if not ignored:
            return False
        which = ", ".join(ignored)
        if what:
            target.info(
                self.t(
                    "Filter yang tidak diterapkan pada {what}: {which}. {why}",
                    what=i18n.pick(self.lang, *what),
                    which=which,
                    why=i18n.pick(self.lang, why_id, why_en),
                )
            )
        else:
            target.caption(
                "ⓘ "
                + self.t(
                    "Filter {which} tidak diterapkan di sini: {why}",
                    which=which,
                    why=i18n.pick(self.lang, why_id, why_en),
                )
            )
        return True

    def refusal(self) -> str | None:
        """Why the filters in the address cannot show anything, in one sentence, or None: years outside
        the data, or a region or province outside a region account's access."""
        f, t = self.filters, self.t
        if self.viewer.role == "daerah":
            own_provinces = {code.split(".")[0] for code in self.viewer.wilayah}
            if (f.wilayah and not access.sees(self.viewer, f.wilayah)) or (
                f.provinsi and f.provinsi not in own_provinces
            ):
                return t("Wilayah di alamat ini di luar akses akun Anda, jadi yang tampil adalah wilayah Anda sendiri.")
        return self.years_outside()

    def years_outside(self) -> str | None:
        """'Proposal years 2030–2040 are outside the data …' when the chosen years hold no proposal year."""
        f, t = self.filters, self.t
        years = common.choices(str(data.snapshot()))["years"]
        if f.tahun and years and (f.tahun[1] < years[0] or f.tahun[0] > years[1]):
            return t(
                "Tahun usulan {f_tahun_0}–{f_tahun_1} di luar data: data memuat usulan tahun {years_0}–{years_1}. Pilih tahun di dalam rentang itu.",
                f_tahun_0=f.tahun[0],
                f_tahun_1=f.tahun[1],
                years_0=years[0],
                years_1=years[1],
            )
        return None

    def empty(self, what_id: str = "inovasi", what_en: str = "innovations") -> None:
        """Say which filters emptied a result instead of drawing an empty chart."""
        names = [self.t(FILTER_NAMES[n]) for n in self.filters.active()]
        refused = self.refusal()
        if refused:
            st.info(refused)
        elif names:
            st.info(
                self.t(
                    "Tidak ada {what} untuk filter yang dipilih ({names}). Longgarkan filter di samping.",
                    what=i18n.pick(self.lang, what_id, what_en),
                    names=", ".join(names),
                )
            )
        else:
            st.info(self.t("Belum ada {what} dalam data.", what=i18n.pick(self.lang, what_id, what_en)))


# Captions, Streamlit's text at 60% opacity (#828180), are 3.9:1 on white, under WCAG's 4.5:1 for text:
# drawn opaque in a grey of 5.4:1. On a phone the sidebar opens from an icon at the top: it says in words what is there.
_CSS = """<style>
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; color: #6b6a69 !important; }}
[data-testid="stCaptionContainer"] p {{ color: #6b6a69 !important; }}
@media (max-width: 640px) {{
  [data-testid="stExpandSidebarButton"]::after {{ content: "{opener}"; font-size: 0.9rem; margin-left: 0.3rem; }}
  [data-testid="stExpandSidebarButton"] {{ width: auto; padding: 0 0.5rem; }}
}}
</style>"""


def _style(lang: str) -> None:
    st.html(_CSS.format(opener=i18n.tr(lang, "Filter · Bahasa")))


def _lang() -> str:
    value = st.query_params.get("lang", "id")
    return value if value in ("id", "en") else "id"


def _params(filters: Filters, lang: str) -> dict[str, str]:
    return {**filters.to_params(), **({"lang": lang} if lang != "id" else {})}


def page(key: str, with_filters: bool = True) -> Ctx:
    _, script, title_id, title_en = next(p for p in PAGES if p[0] == key)
    lang = _lang()
    st.set_page_config(page_title=f"{title_id if lang == 'id' else title_en} · Dasbor Inovasi Daerah", layout="wide")
    choice = st.sidebar.radio(
        "Bahasa / Language",
        ("id", "en"),
        index=("id", "en").index(lang),
        horizontal=True,
        format_func=lambda v: "Bahasa Indonesia" if v == "id" else "English",
    )
    if choice != lang:
        lang = choice
        st.query_params["lang"] = lang
    a11y.document_language(lang)  # after the switch: the language this run draws in
    _style(lang)
    filters = Filters.from_params(st.query_params)
    ctx = Ctx(key, lang, filters, auth.current())
    auth.flush_cookie()
    if ctx.viewer.role != "publik":
        auth.sign_out_button(ctx.viewer, lang)
    # The sidebar reads top down: language, menu, filters, and for the public the sign-in form last,
    # so on a phone the filters are not below a form most readers never use.
    ctx.menu_slot, ctx.filter_slot = st.sidebar.container(), st.sidebar.container()
    if ctx.viewer.role == "publik":
        auth.sign_in_form(lang)
    current = store.resolve()
    snap = current.snapshot
    if current.problem is not None and snap is None:
        _data_problem(ctx, current)
        st.stop()
    _menu(ctx, title_id, title_en)
    st.title(title_id if lang == "id" else title_en)
    if ctx.viewer.role not in PAGE_ROLES[key]:
        _refuse(ctx, key)
    if current.problem is not None:
        _data_problem(ctx, current)
    if snap is None:
        st.info(
            ctx.t(
                "Belum ada data. Muat laporan daerah dengan `python -m etl load BERKAS`, atau jalankan `bash scripts/start.sh` untuk data contoh."
            )
        )
        st.stop()
    if with_filters:  # (was `filters`, rebound above to the URL's Filters, so always true)
        ctx.filters = _filter_form(ctx)
    _whose(ctx)
    _banner(ctx)
    outside = ctx.years_outside() if ctx.key != "kelola" else None
    if outside:  # said once at the top; the region case is said in the 'Wilayah:' line
        st.warning(outside)
    return ctx


def _whose(ctx: Ctx) -> None:
    """Whose data the page shows, under its title: the region chosen, else the province, else a region
    account's own regions, else the whole country (a Bupati never reads 'Semua wilayah' for their own)."""
    if ctx.key == "kelola":
        return
    c = common.choices(str(data.snapshot()))
    names = {
        **dict(zip(c["provinces"].kode, c["provinces"].nama, strict=True)),
        **dict(zip(c["regions"].kode, c["regions"].nama, strict=True)),
    }
    f, t = ctx.filters, ctx.t

    def province(code: str) -> str:
        return t("Provinsi {get_code}", get_code=names.get(code, code))

    own_provinces = {code.split(".")[0] for code in ctx.viewer.wilayah}
    outside = ctx.viewer.role == "daerah" and (
        bool(f.wilayah and not access.sees(ctx.viewer, f.wilayah))
        or bool(f.provinsi and f.provinsi not in own_provinces)
    )
    if outside:  # a URL naming another region: the data stays the account's own, and the page says so
        shown = ", ".join(names.get(code, code) for code in ctx.viewer.wilayah) + t(
            " (wilayah di alamat ini di luar akses akun Anda)"
        )
    elif f.wilayah:
        shown = (
            names.get(f.wilayah, f.wilayah)
            if "." in f.wilayah
            else t(
                "Pemerintah Provinsi {name}",
                name=names.get(f.wilayah, f.wilayah),
            )
        )
    elif ctx.viewer.role == "daerah":  # the account's own regions (in the chosen province, if any)
        shown = ", ".join(
            names.get(code, code)
            if "." in code
            else t("{province_code} dan kabupaten/kotanya", province_code=province(code))
            for code in ctx.viewer.wilayah
            if not f.provinsi or code.split(".")[0] == f.provinsi
        )
    elif f.provinsi:
        shown = province(f.provinsi)
    else:
        shown = t("Seluruh Indonesia")
    region_word = t("Wilayah")
    st.markdown(f"**{fmt.md(region_word)}: {fmt.md(shown)}**")


def _data_problem(ctx: Ctx, current: store.Current) -> None:
    """CURRENT cannot be used: admins read what is wrong, which snapshot is shown and what to run; everyone
    else one plain sentence."""
    problem, shown = current.problem, current.snapshot
    if ctx.viewer.role == "admin":
        if shown is None:
            st.error(
                ctx.t(
                    "{problem}, dan tidak ada snapshot lain yang valid; jalankan `python -m etl doctor`, lalu muat ulang berkasnya.",
                    problem=problem.text(ctx.lang),
                )
            )
        else:
            st.warning(
                ctx.t(
                    "{problem}; yang tampil adalah `{name}`, snapshot valid terbaru; jalankan `python -m etl doctor` untuk memperbaikinya.",
                    problem=problem.text(ctx.lang),
                    name=shown.name,
                ),
                icon="⚠️",
            )
    elif shown is None:
        st.error(ctx.t("Data tidak dapat dibuka saat ini; coba lagi nanti."))
    else:
        st.info(ctx.t("Data terbaru tidak dapat dibuka, jadi yang tampil adalah data valid terakhir yang tersimpan."))


def _refuse(ctx: Ctx, key: str) -> None:
    if ctx.viewer.role == "publik":
        st.warning(
            ctx.t(
                "Halaman ini untuk pengguna yang sudah masuk. Masuk lewat formulir di samping, atau buka halaman Transparansi yang terbuka untuk umum."
            )
        )
    else:
        st.warning(ctx.t("Peran Anda tidak membuka halaman ini."))
    st.page_link(
        "pages/6_transparansi.py",
        label=ctx.t("Buka Transparansi"),
        query_params={"lang": ctx.lang} if ctx.lang != "id" else None,
    )
    st.stop()


def _menu(ctx: Ctx, title_id: str, title_en: str) -> None:
    params = _params(ctx.filters, ctx.lang)
    for key, script, t_id, t_en in PAGES:
        if (ROOT / script).exists() and ctx.viewer.role in PAGE_ROLES[key]:
            (ctx.menu_slot or st.sidebar).page_link(
                script, label=t_id if ctx.lang == "id" else t_en, query_params=params
            )


def _banner(ctx: Ctx) -> None:
    info = common.data_info()
    if bool(info["sampel"]):
        st.warning(
            ctx.t(
                "**Data contoh.** Wilayahnya nyata, tetapi inovasi, tanggal dan evaluasinya dikarang untuk peragaan. Jangan dikutip sebagai data sebenarnya."
            ),
            icon="⚠️",
        )
    loaded = info["dimuat_pada"]
    stamp = f"{fmt.date(loaded, ctx.lang)} {loaded:%H:%M} UTC"
    st.caption(ctx.t("Data terakhir dimuat: {stamp}", stamp=stamp))


def _filter_form(ctx: Ctx) -> Filters:
    c = common.choices(str(data.snapshot()))
    f, t = ctx.filters, ctx.t
    # A region's account is offered its own regions only. The public sees every region's public
    # innovations (Transparansi reads only inovasi_publik), so it is offered the places holding any,
    # a provincial government among them.
    if ctx.viewer.role == "publik":
        c = {**c, **publik.places()}
    elif ctx.viewer.role == "daerah":
        mine = c["regions"][[access.sees(ctx.viewer, k) for k in c["regions"].kode]]
        provinces = set(mine.kode_provinsi) | {k for k in c["provinces"].kode if access.sees(ctx.viewer, k)}
        c = {**c, "regions": mine, "provinces": c["provinces"][c["provinces"].kode.isin(provinces)]}
    prov_names = dict(zip(c["provinces"].kode, c["provinces"].nama, strict=True))
    with (ctx.filter_slot or st.sidebar).form("filter"):
        st.markdown(t("**Filter**"))
        years = None
        if c["years"] and c["years"][0] < c["years"][1]:
            lo, hi = c["years"]
            chosen = f.tahun if f.tahun and f.tahun[1] >= lo and f.tahun[0] <= hi else (lo, hi)
            years = st.slider(
                t.tc("jamak", "Tahun usulan"), lo, hi, (max(lo, min(chosen[0], hi)), min(hi, max(chosen[1], lo)))
            )
        provinsi = st.selectbox(
            t("Provinsi"),
            [None, *prov_names],
            index=([None, *prov_names].index(f.provinsi) if f.provinsi in prov_names else 0),
            format_func=lambda k: t("Semua provinsi") if k is None else prov_names[k],
        )
        regs = c["regions"] if not provinsi else c["regions"][c["regions"].kode_provinsi == provinsi]
        reg_names = dict(zip(regs.kode, regs.nama, strict=True))
        if provinsi and (access.sees(ctx.viewer, provinsi) or provinsi in c.get("provincial", ())):
            reg_names = {provinsi: t("Pemerintah provinsi"), **reg_names}
        wilayah = st.selectbox(
            t("Wilayah"),
            [None, *reg_names],
            index=([None, *reg_names].index(f.wilayah) if f.wilayah in reg_names else 0),
            format_func=lambda k: t("Semua wilayah") if k is None else reg_names[k],
        )
        chosen = {}
        for key, (_, domain) in LIST_FILTERS.items():
            chosen[key] = st.multiselect(
                t(FILTER_NAMES[key]).capitalize(),
                options(domain),
                default=list(getattr(f, key)),
                format_func=lambda v, d=domain: label(d, v, ctx.lang),
                placeholder=t("Semua"),
            )
        urusan_names = dict(zip(c["urusan"].kode, c["urusan"].nama, strict=True))
        urusan = st.multiselect(
            i18n.tr(ctx.lang, "Urusan"),
            list(urusan_names),
            default=[u for u in f.urusan if u in urusan_names],
            format_func=lambda k: f"{k} {urusan_names[k]}",
            placeholder=t("Semua"),
        )
        apply = st.form_submit_button(t("Terapkan"), type="primary")
        reset = st.form_submit_button(t("Hapus filter"))
    if reset:
        new = Filters()
    elif apply:
        full = c["years"] and years == tuple(c["years"])
        new = Filters(
            tahun=None if full or years is None else tuple(years),
            provinsi=provinsi,
            wilayah=wilayah,
            urusan=tuple(urusan),
            **{k: tuple(v) for k, v in chosen.items()},
        )
    else:
        return f
    # The page's own choices (urlstate) stay; the filters and the language are written anew.
    keep = {k: v for k, v in st.query_params.to_dict().items() if k not in urlstate.RESERVED}
    st.query_params.from_dict({**keep, **_params(new, ctx.lang)})
    st.rerun()
