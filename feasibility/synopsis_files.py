"""The text of an uploaded synopsis: PDF (pypdf), Word (python-docx) or plain text.

Each failure a sponsor can meet says what happened and what to do, and the form stays usable by hand:
a scanned PDF with no text layer, a password-protected or broken file, a file too large.
"""

from __future__ import annotations

import io
import zipfile

SYNOPSIS_MAX_BYTES = 10 * 1024 * 1024
SYNOPSIS_MAX_PAGES = 60
SYNOPSIS_MAX_CHARS = 60_000
MIN_TEXT_CHARS = 40
BY_HAND = "You can still fill in the form by hand, or paste the synopsis's text."


class UnreadableSynopsis(ValueError):
    """The file cannot be read; the message is for the person who sent it."""


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableSynopsis(f"This PDF is protected by a password, so it cannot be read. {BY_HAND}")
        pages = reader.pages[:SYNOPSIS_MAX_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages)
    except UnreadableSynopsis:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise UnreadableSynopsis(f"This PDF is protected by a password, so it cannot be read. {BY_HAND}") from exc
        raise UnreadableSynopsis(f"This PDF looks damaged and could not be read. {BY_HAND}") from exc


def _docx_text(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableSynopsis(f"This Word file looks damaged and could not be read. {BY_HAND}") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def too_large(size: int) -> UnreadableSynopsis | None:
    if size <= SYNOPSIS_MAX_BYTES:
        return None
    return UnreadableSynopsis(
        f"This file is {size / 1024 / 1024:.0f} MB; synopses up to {SYNOPSIS_MAX_BYTES // 1024 // 1024} MB "
        f"can be read. {BY_HAND}"
    )


def synopsis_text(name: str, data: bytes) -> str:
    """The text of a synopsis file, judged by its content (magic bytes), not only its name."""
    if error := too_large(len(data)):
        raise error
    lower = (name or "").lower()
    if data.startswith(b"%PDF"):
        text, kind = _pdf_text(data), "PDF"
    elif data.startswith(b"PK\x03\x04") and lower.endswith(".docx"):
        text, kind = _docx_text(data), "Word file"
    elif lower.endswith((".txt", ".md", ".text")) or not lower.rpartition(".")[1]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        kind = "text file"
    elif lower.endswith(".pdf"):
        raise UnreadableSynopsis(f"This file is called .pdf but is not a PDF. {BY_HAND}")
    else:
        raise UnreadableSynopsis(f"Send the synopsis as a PDF, a Word (.docx) or a text file. {BY_HAND}")
    if len(text.strip()) < MIN_TEXT_CHARS:
        if kind == "PDF":
            raise UnreadableSynopsis(
                f"This PDF has no text to read: it is probably a scan (pictures of pages). {BY_HAND}"
            )
        raise UnreadableSynopsis(f"This {kind} holds almost no text. {BY_HAND}")
    return text[:SYNOPSIS_MAX_CHARS]
