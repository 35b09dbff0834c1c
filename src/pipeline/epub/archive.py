"""The EPUB's ZIP container, reproducible: same files and date in, same bytes out.

``mimetype`` comes first and stored, with no extra field (OCF 3.3 §4.2.2); every entry
has the build's date (``SOURCE_DATE_EPOCH``) and the same permissions; names are the
publication's own ASCII paths, never a user's, and are checked again here.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pipeline.epub.book import ROOT, Item
from pipeline.output import atomic_path

CONTAINER: Final = Path(__file__).parent / "templates" / "container.xml"
_SAFE_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")
# Already compressed: stored, so a reading system can seek in the audio cheaply.
_STORED: Final = ("audio/mpeg", "image/png", "image/jpeg", "image/gif", "image/webp")


def write_epub(target: Path, items: Sequence[Item], *, modified: dt.datetime) -> None:
    """Write the publication's ``items`` as an EPUB file at ``target`` (atomically)."""
    stamp = max(modified, dt.datetime(1980, 1, 1, tzinfo=dt.UTC))  # ZIP dates start in 1980
    members = [("mimetype", b"application/epub+zip", False),
               ("META-INF/container.xml", CONTAINER.read_bytes(), True)]
    members += [(f"{ROOT}/{item.href}", item.data, item.media_type not in _STORED)
                for item in items]
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w") as archive:
        for name, data, compress in members:
            if not _SAFE_NAME.fullmatch(name) or ".." in name:
                raise AssertionError(f"unsafe name in the EPUB: {name!r}")
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever builds it
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9 if compress else None)
