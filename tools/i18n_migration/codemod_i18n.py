"""Turn every literal t("Indonesian", "English") pair into t("Indonesian", **params) plus a catalog entry.

Usage: python codemod_i18n.py ROOT  -> rewrites ROOT/dasbor/**.py and ROOT/pages/*.py in place and
writes ROOT/notes_pairs.json (msgid, context, English, file) for building the catalogs.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

T_NAMES = {"t"}
# Same Indonesian, another English: the minority meaning gets a message context (msgctxt).
CONTEXTS = {
    ("Inovasi", "Innovations"): "jamak",
    ("Wilayah", "Regions"): "jamak",
    ("Tahun usulan", "Proposal years"): "jamak",
    ("Berkas", "Files"): "jamak",
    ("Jenis", "Kind"): "kegiatan",
    ("Keterangan", "Description"): "kegiatan",
    ("Nasional", "National"): "sifat",
    ("Lolos", "Valid"): "pemeriksaan",
    ("Jumlah", "Total"): "total",
    ("Usulan", "Proposed"): "tahap",
    ("Ditiru oleh", "Copied by"): "katalog",
    ("Meniru", "Copies"): "katalog",
    ("Ditetapkan", "Decree"): "kolom",
    ("Masuk tahap", "Entered"): "singkat",
    ("wilayah", "regions"): "jamak",
}


def is_t(func: ast.expr) -> bool:
    if isinstance(func, ast.Name) and func.id in T_NAMES:
        return True
    return isinstance(func, ast.Attribute) and func.attr == "t"


def ident(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        base = expr.id
    elif isinstance(expr, ast.Attribute):
        base = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        base = expr.slice.value
    elif isinstance(expr, ast.Call):
        inner = expr.args[0] if expr.args else None
        fn = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", "v")
        base = fn if inner is None else f"{fn}_{ident(inner)}"
    else:
        base = re.sub(r"\W+", "_", ast.unparse(expr)).strip("_").lower()
    base = re.sub(r"\W+", "_", base).strip("_").lower() or "v"
    if base[0].isdigit():
        base = "v_" + base
    if len(base) > 20:
        base = base[:20].rstrip("_")
    if base in {"self", "lang", "t", "ctx", "context"}:
        base = base + "_"
    return base


needs_import: set[str] = set()


def lang_test(test: ast.expr, src: str):
    """(source of the language expression, "id"/"en") for ``lang == "id"``-like tests, else None."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    left, right = test.left, test.comparators[0]
    is_lang = (isinstance(left, ast.Name) and left.id == "lang") or (
        isinstance(left, ast.Attribute) and left.attr == "lang"
    )
    if not (is_lang and isinstance(right, ast.Constant) and right.value in ("id", "en")):
        return None
    return ast.get_source_segment(src, left), right.value


class UnsupportedError(Exception):
    pass


class _Lang(ast.NodeTransformer):
    """The language-neutral form of an expression: 'id'/'en'/lang -> LANG, ``x:,`` -> fmt.number(x, LANG)."""

    def __init__(self, lang_src: str | None = None):
        self.lang_src = lang_src

    def visit_Constant(self, node):  # noqa: N802
        if node.value in ("id", "en"):
            return ast.Name(id=self.lang_src or "LANG", ctx=ast.Load())
        return node

    def visit_Name(self, node):  # noqa: N802
        if node.id == "lang" and self.lang_src is None:
            return ast.Name(id="LANG", ctx=ast.Load())
        return node

    def visit_Attribute(self, node):  # noqa: N802
        if node.attr == "lang" and self.lang_src is None:
            return ast.Name(id="LANG", ctx=ast.Load())
        return self.generic_visit(node)


def neutral(part: ast.FormattedValue) -> str:
    expr = part.value
    spec = part.format_spec
    if spec is not None and [getattr(v, "value", None) for v in spec.values] == [","]:
        expr = ast.Call(
            ast.Attribute(ast.Name("fmt", ast.Load()), "number", ast.Load()), [expr, ast.Name("lang", ast.Load())], []
        )
    import copy

    return ast.unparse(_Lang().visit(copy.deepcopy(expr)))


LANG_SRC: list[str | None] = [None]  # the language expression of the call being rewritten


def template(node: ast.expr, names: dict[str, str]) -> tuple[str, bool]:
    """The message text of a str constant or an f-string, and whether it has placeholders."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if not isinstance(node, ast.JoinedStr):
        raise UnsupportedError(ast.unparse(node))
    out, has = [], False
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(part.value.replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(part, ast.FormattedValue)
        src = ast.unparse(part.value)
        key = neutral(part) if LANG_SRC[0] else None
        if key is not None and src not in names and key in names.get("__keys__", {}):
            names.setdefault("__alias__", {})[src] = names["__keys__"][key]
            out.append("{" + names["__keys__"][key] + "}")
            has = True
            continue
        if src not in names:
            base, n = ident(part.value), 1
            cand = base
            while cand in [v for k, v in names.items() if not k.startswith("__")]:
                n += 1
                cand = f"{base}{n}"
            names[src] = cand
        field = names[src]
        if key is not None:
            names.setdefault("__keys__", {})[key] = field
            names.setdefault("__exprs__", {})[field] = (part, key)
        if part.conversion != -1:
            field += "!" + chr(part.conversion)
        if part.format_spec is not None:
            spec = part.format_spec
            if any(not isinstance(v, ast.Constant) for v in spec.values):
                raise UnsupportedError("nested format spec: " + ast.unparse(node))
            field += ":" + "".join(v.value for v in spec.values)
        out.append("{" + field + "}")
        has = True
    return "".join(out), has


def literal(text: str, quote: str = '"') -> str:
    body = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n").replace("\t", "\\t")
    return f"{quote}{body}{quote}"


def kwargs(names: dict) -> str:
    aliases = names.get("__alias__", {})
    aliased = set(aliases.values())
    out = []
    for src, name in names.items():
        if src.startswith("__") or src in aliases:
            continue
        if name in aliased:
            import copy

            part, _ = names["__exprs__"][name]
            expr = part.value
            expr = ast.unparse(_Lang(LANG_SRC[0]).visit(copy.deepcopy(expr)))
            out.append(f", {name}={expr}")
        else:
            out.append(f", {name}={src}")
    return "".join(out)


def rewrite(path: Path, pairs: list[dict], skipped: list[str]) -> bool:
    src = path.read_text()
    tree = ast.parse(src)
    lines = src.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def pos(lineno: int, col: int) -> int:
        # col_offset is in UTF-8 bytes
        line = lines[lineno - 1]
        return offsets[lineno - 1] + len(line.encode()[:col].decode())

    edits = []
    fstrings = [
        (pos(n.lineno, n.col_offset), pos(n.end_lineno, n.end_col_offset))
        for n in ast.walk(tree)
        if isinstance(n, ast.JoinedStr)
    ]

    def message(a: ast.expr, b: ast.expr, node: ast.expr, lang_src: str) -> tuple[str, str]:
        """Record the edit and the pair of one message; returns the call's message and keywords source."""
        LANG_SRC[0] = lang_src
        names: dict = {}
        id_text, id_has = template(a, names)
        en_text, en_has = template(b, names)
        if names and not (id_has and en_has):
            # one side has placeholders, the other not: escape the plain side's braces
            if not id_has and isinstance(a, ast.Constant):
                id_text = id_text.replace("{", "{{").replace("}", "}}")
            if not en_has and isinstance(b, ast.Constant):
                en_text = en_text.replace("{", "{{").replace("}", "}}")
        here = pos(node.lineno, node.col_offset)
        q = "'" if any(x < here < y for x, y in fstrings) else '"'
        kw = kwargs(names)
        kw = kw.replace('"', "'") if q == "'" else kw
        context = CONTEXTS.get((id_text, en_text))
        pairs.append(
            {
                "id": id_text,
                "en": en_text,
                "context": context,
                "file": str(path),
                "line": node.lineno,
                "fmt": bool(names),
            }
        )
        args = f"{literal(id_text, q)}{kw}"
        return (f"{literal(context, q)}, {args}" if context else args), context

    for node in ast.walk(tree):
        end = None
        if isinstance(node, ast.IfExp) and (lang_src := lang_test(node.test, src)) is not None:
            lang_expr, first = lang_src
            a, b = (node.body, node.orelse) if first == "id" else (node.orelse, node.body)
            try:
                args, context = message(a, b, node, lang_expr)
            except UnsupportedError:
                continue
            new = f"i18n.trc({lang_expr}, {args})" if context else f"i18n.tr({lang_expr}, {args})"
            needs_import.add(str(path))
        elif isinstance(node, ast.Call) and is_t(node.func):
            if len(node.args) != 2 or node.keywords:
                skipped.append(f"{path}:{node.lineno}: {ast.unparse(node)[:100]}")
                continue
            func = ast.get_source_segment(src, node.func)
            try:
                args, context = message(*node.args, node, func[:-2] + ".lang" if func.endswith(".t") else "lang")
            except UnsupportedError as exc:
                skipped.append(f"{path}:{node.lineno}: {exc}")
                continue
            new = f"{func}.tc({args})" if context else f"{func}({args})"
        else:
            continue
        end = pos(node.end_lineno, node.end_col_offset)
        edits.append((pos(node.lineno, node.col_offset), end, new))
    if not edits:
        return False
    edits.sort()
    kept = []
    for e in edits:
        if kept and e[0] < kept[-1][1]:
            raise SystemExit(f"nested edits in {path} at {e[0]}: {e[2][:60]}")
        kept.append(e)
    edits = sorted(kept, reverse=True)
    # nested t() calls inside t() args are not expected; refuse overlaps
    last = None
    for start, end, new in edits:
        if last is not None and end > last:
            raise SystemExit(f"overlapping edits in {path}")
        src = src[:start] + new + src[end:]
        last = start
    path.write_text(src)
    return True


def main() -> None:
    root = Path(sys.argv[1])
    files = sorted((root / "dasbor").rglob("*.py")) + sorted((root / "pages").glob("*.py")) + [root / "dashboard.py"]
    pairs: list[dict] = []
    skipped: list[str] = []
    changed = [str(f) for f in files if rewrite(f, pairs, skipped)]
    (root / "notes_pairs.json").write_text(json.dumps(pairs, ensure_ascii=False, indent=1))
    print(f"{len(pairs)} pairs in {len(changed)} files; {len(skipped)} skipped")
    for s in skipped:
        print("SKIP", s)


if __name__ == "__main__":
    main()
