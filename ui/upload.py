"""A file uploader labelled in the app's language.

Streamlit's ``st.file_uploader`` writes fixed English inside its box (the button's
"Upload", the instructions "300MB per file • CSV, ...", in other versions "Drag and drop
files here" and "Browse files"), which no parameter translates. The page's CSS
(:mod:`ui.layout`) hides those instructions and writes the button's label from the
catalog; :func:`file_uploader` says the size limit and the accepted types below the box
in the chosen language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ui.i18n import t


def limit_text(types: Sequence[str], lang: str, *, multiple: bool) -> str:
    """``Up to 300 MB per file: CSV, XLSX. ...``: the server's upload limit and the types
    (``server.maxUploadSize``, in MB)."""
    mb = int(st.get_option("server.maxUploadSize"))
    key = "dt.upload_limit" if multiple else "dt.upload_limit_single"
    return t(key, lang, mb=mb, types=", ".join(x.lstrip(".").upper() for x in types))


def file_uploader(
    label: str,
    types: Sequence[str],
    *,
    key: str,
    lang: str,
    multiple: bool = False,
    help: str | None = None,
    where: Any = st,
) -> Any:
    """``st.file_uploader`` (in ``where``: a column, or the page) with the limit and the
    types said below it in ``lang``; what it returns."""
    got = where.file_uploader(
        label, type=list(types), accept_multiple_files=multiple, key=key, help=help
    )
    where.caption(limit_text(types, lang, multiple=multiple))
    return got
