"""edit() for the hand-edit scripts."""

import re
from pathlib import Path

failed = []


def edit(path, old, new, count=1, regex=False):
    p = Path(path)
    s = p.read_text()
    n = len(re.findall(old, s)) if regex else s.count(old)
    if n != count:
        failed.append(f"{path}: expected {count} of {old[:70]!r}, found {n}")
        return
    s = re.sub(old, new, s) if regex else s.replace(old, new)
    p.write_text(s)
