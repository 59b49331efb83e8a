"""Page choices kept in the URL, so a copied address opens the same view.

Every widget whose choice changes what a page shows (cluster, stage pair, grouping, dimension, the
map's figure, a search) goes through here instead of calling ``st.radio``/``st.selectbox`` directly:
the URL's value, when it is one of the options, is the widget's starting value, and a change is
written back to the URL (and removed from it when it is the default again, so plain addresses stay
short). A value in the URL that is not an option is ignored, never an error."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from dasbor.filters import LIST_FILTERS

# URL keys the filters and the frame already use; a page choice must not take one of them.
RESERVED = frozenset({"lang", "tahun", "prov", "wil", "urusan", *LIST_FILTERS})


def _check(param: str) -> None:
    if param in RESERVED:
        raise ValueError(f"URL key {param!r} belongs to the filters or the frame")


def _write(param: str, value: str | None, default: str | None) -> None:
    if value is None or value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def current(param: str, options: Sequence[str], default: str | None = None) -> str | None:
    """The URL's value of ``param`` when it is one of ``options``, else ``default``."""
    value = st.query_params.get(param)
    return value if value in options else default


def choice(
    param: str,
    label: str,
    options: Sequence[str],
    *,
    default: str | None = None,
    widget: str = "selectbox",
    target=st,
    format_func: Callable[[str], str] = str,
    **kwargs,
) -> str:
    """A radio or selectbox over string ``options`` whose value lives in the URL under ``param``."""
    _check(param)
    options = list(options)
    default = default if default in options else options[0]
    value = current(param, options, default)
    draw = getattr(target, widget)
    chosen = draw(label, options, index=options.index(value), format_func=format_func, key=f"url:{param}", **kwargs)
    _write(param, chosen, default)
    return chosen


def text(param: str, label: str, *, target=st, **kwargs) -> str:
    """A text input (a search) whose value lives in the URL under ``param``; '' when empty."""
    _check(param)
    start = st.query_params.get(param, "")
    value = target.text_input(label, value=start, key=f"url:{param}", **kwargs).strip()
    _write(param, value or None, None)
    return value
