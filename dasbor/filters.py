"""The filters shared by every page, their URL form, and the SQL they become.

The URL is the source of truth, so a view can be shared by copying the address; values that do not
belong to a filter's options are dropped, so a hand-edited URL cannot inject anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from dasbor.access import NATIONAL, UNRESTRICTED, Viewer, scope_sql
from dasbor.i18n import options

LIST_FILTERS = {  # URL key → (column of inovasi_status, label domain)
    "sumber": ("inisiator", "inisiator"),
    "bentuk": ("bentuk", "bentuk"),
    "jenis": ("jenis", "jenis"),
    "tahap": ("tahap", "tahap"),
}
_CODE = re.compile(r"^\d{2}(\.\d{2})?$")
_URUSAN = re.compile(r"^\d\.\d{2}$")


def text_search(term: str, columns: tuple[str, ...]) -> tuple[str, list]:
    """`` and (col ilike ? or ...)`` finding ``term`` literally in any of ``columns`` (a fixed list),
    with %, _ and \\ escaped; nothing at all for a blank term."""
    term = term.strip()
    if not term:
        return "", []
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return " and (" + " or ".join(f"{c} ilike ? escape '\\'" for c in columns) + ")", [like] * len(columns)


@dataclass(frozen=True)
class Filters:
    tahun: tuple[int, int] | None = None
    provinsi: str | None = None
    wilayah: str | None = None
    sumber: tuple[str, ...] = ()
    bentuk: tuple[str, ...] = ()
    jenis: tuple[str, ...] = ()
    urusan: tuple[str, ...] = ()
    tahap: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_params(cls, params) -> Filters:
        def get(key: str) -> str:
            value = params.get(key)
            return value if isinstance(value, str) else (value[-1] if value else "")

        def many(key: str, allowed) -> tuple[str, ...]:
            return tuple(v for v in get(key).split(",") if v and allowed(v))

        years = re.fullmatch(r"(\d{4})-(\d{4})", get("tahun"))
        prov, wil = get("prov"), get("wil")
        return cls(
            tahun=(int(years[1]), int(years[2])) if years else None,
            provinsi=prov if re.fullmatch(r"\d{2}", prov) else None,
            wilayah=wil if _CODE.fullmatch(wil) else None,
            urusan=many("urusan", _URUSAN.fullmatch),
            **{k: many(k, set(options(domain)).__contains__) for k, (_, domain) in LIST_FILTERS.items()},
        )

    def to_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.tahun:
            out["tahun"] = f"{self.tahun[0]}-{self.tahun[1]}"
        if self.provinsi:
            out["prov"] = self.provinsi
        if self.wilayah:
            out["wil"] = self.wilayah
        for key in (*LIST_FILTERS, "urusan"):
            if getattr(self, key):
                out[key] = ",".join(getattr(self, key))
        return out

    def without(self, *names: str) -> Filters:
        """The same filters less some (a page that compares regions ignores the region filter)."""
        blank = Filters()
        return replace(self, **{n: getattr(blank, n) for n in names})

    def where(self, viewer: Viewer, alias: str = "s") -> tuple[str, list]:
        """SQL condition over ``inovasi_status`` and its bound parameters, viewer scope included."""
        clauses, params = [], []
        scope, scope_params = scope_sql(viewer, f"{alias}.kode_wilayah")
        clauses.append(scope)
        params += scope_params
        if self.tahun:
            clauses.append(f"{alias}.tahun_usulan between ? and ?")
            params += list(self.tahun)
        if self.wilayah:
            clauses.append(f"{alias}.kode_wilayah = ?")
            params.append(self.wilayah)
        elif self.provinsi:
            clauses.append(f"{alias}.kode_provinsi = ?")
            params.append(self.provinsi)
        for key, (column, _) in LIST_FILTERS.items():
            values = getattr(self, key)
            if values:
                clauses.append(f"{alias}.{column} in ({', '.join('?' * len(values))})")
                params += list(values)
        if self.urusan:
            clauses.append(f"{alias}.urusan in ({', '.join('?' * len(self.urusan))})")
            params += list(self.urusan)
        return " and ".join(clauses), params

    @staticmethod
    def status_join(where: str, alias: str) -> str:
        """The join to ``inovasi_status s`` through which ``where`` (from :meth:`where`) applies to a
        derived table ``alias`` (on id_inovasi, the integer the derived tables share). None when the condition narrows nothing (a national
        viewer, no filter: the Deputy's default), where at a million innovations that join would be
        most of a query's time; any scope or filter keeps it."""
        return "" if where == UNRESTRICTED else f"join inovasi_status s on s.id_inovasi = {alias}.id_inovasi"

    def where_public(self, alias: str = "p") -> tuple[str, list]:
        """The filters alone, for ``inovasi_publik`` only: that table holds nothing the public may not see."""
        return self.where(NATIONAL, alias)

    def active(self) -> list[str]:
        """Names of the filters that are set, for telling a reader what emptied a result."""
        return [k for k in ("tahun", "provinsi", "wilayah", *LIST_FILTERS, "urusan") if getattr(self, k)]
