"""Messages whose English text has other placeholders than the Indonesian (run from the repo root)."""

import string

from babel.messages.pofile import read_po


def fields(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return {"<unbalanced>"}


with open("dasbor/locale/en/LC_MESSAGES/messages.po", "rb") as fh:
    catalog = read_po(fh)
n = 0
for m in catalog:
    if m.id and fields(m.id) != fields(m.string):
        n += 1
        print(repr(m.id[:60]), fields(m.id) ^ fields(m.string), m.locations[:1])
print(n, "placeholder mismatches")
