"""Who is looking, and the part of the data they may see, as SQL.

Every query that reads innovations goes through ``scope_sql``: the scope is enforced where the data
is read, whatever a URL or a widget asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("publik", "daerah", "nasional", "admin")


@dataclass(frozen=True)
class Viewer:
    role: str = "publik"
    wilayah: tuple[str, ...] = ()  # for daerah: region codes; a province code covers its kabupaten/kota
    name: str = ""

    @property
    def national(self) -> bool:
        return self.role in ("nasional", "admin")


NATIONAL = Viewer("nasional", name="nasional")


UNRESTRICTED = "true"  # the condition of a viewer who may see every region


def scope_sql(viewer: Viewer, column: str) -> tuple[str, list]:
    """A condition limiting ``column`` (a region code) to what ``viewer`` may see."""
    if viewer.national:
        return UNRESTRICTED, []
    if viewer.role == "daerah" and viewer.wilayah:
        codes = list(viewer.wilayah)
        provinces = [c for c in codes if "." not in c]
        clause = f"{column} in ({', '.join('?' * len(codes))})"
        if provinces:
            # A province code also covers its kabupaten/kota ("PP.KK" starts with "PP").
            clause += f" or split_part({column}, '.', 1) in ({', '.join('?' * len(provinces))})"
        return f"({clause})", codes + provinces
    # The public (and a daerah account without regions) sees no internal rows at all.
    return "false", []


def sees(viewer: Viewer, code: str) -> bool:
    """Whether ``viewer`` may see region ``code``: ``scope_sql`` in Python, for narrowing the filter
    lists to what an account can open (the data itself is narrowed by ``scope_sql``; a test keeps
    the two in step over every region code)."""
    if viewer.national:
        return True
    if viewer.role != "daerah":
        return False
    return code in viewer.wilayah or code.split(".")[0] in {c for c in viewer.wilayah if "." not in c}
