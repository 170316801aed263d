"""Reading a Word template (`--template FILE`): its bytes, checked to be a Word file, with a
one-line error naming the file when it is not.

A .dotx (a Word template) is read as the .docx it would make: its main part's content
type is that of a document, everything else as it is.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from nzcli.errors import DataError, MissingFile

#: The most a template may be (a council's letterhead template is well under this).
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
#: The parts' total size, unpacked, that a template may not exceed (a zip bomb is refused).
MAX_UNPACKED = 200 * 1024 * 1024


def read_template(path: Path) -> bytes:
    """The template's bytes as a .docx package. DataError (one line, naming the file) when
    it cannot be read or is not a Word file."""
    from .files import read_file  # the one reader: regular files only, bounded

    try:
        raw = read_file(path, MAX_TEMPLATE_BYTES)[0]
    except MissingFile:
        raise DataError(path, "no such template; give a Word file (.docx or .dotx)") from None
    except DataError as exc:
        if exc.detail.startswith("is a directory"):
            raise DataError(path, "is a directory, not a Word template") from None
        if exc.detail.startswith("the file is too large"):
            size = path.stat().st_size
            raise DataError(
                path, f"template is {size // 2**20} MB; a Word template is smaller"
            ) from None
        raise
    return as_document(raw, path)


def as_document(raw: bytes, path: Path) -> bytes:
    """A Word package's bytes, a template's main part retyped as a document's."""
    not_word = "is not a Word file (.docx or .dotx); save the template from Word and try again"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            infos = package.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise DataError(path, "template unpacks too large to be a Word template")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise DataError(path, not_word)
            types = package.read("[Content_Types].xml")
            if TEMPLATE_TYPE not in types:
                return raw
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
                for info in infos:
                    data = package.read(info.filename)
                    if info.filename == "[Content_Types].xml":
                        data = data.replace(TEMPLATE_TYPE, DOCUMENT_TYPE)
                    copy.writestr(info, data)
            return out.getvalue()
    except (zipfile.BadZipFile, EOFError, KeyError):
        raise DataError(path, not_word) from None
