"""Reading a synopsis into the request form: nothing is saved, a person confirms the fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from capabilities.models import Capability
from crm import permissions as access
from feasibility.extraction import Extraction, Term, extract
from feasibility.synopsis_files import SYNOPSIS_MAX_CHARS, UnreadableSynopsis, synopsis_text, too_large


def taxonomy_terms() -> list[Term]:
    """The taxonomy as extraction reads it: one query of just the columns needed."""
    rows = Capability.objects.values_list("code", "name", "synonyms", "is_tumour_type")
    return [Term(code, name, tuple(synonyms or ()), tumour) for code, name, synonyms, tumour in rows]


def synopsis_extract(*, actor, upload: UploadedFile | None = None, text: str = "") -> tuple[Extraction, str]:
    """The fields a synopsis gives and the text read from it; a file that cannot be read is a ValidationError
    on `synopsis` saying why. Nothing is saved."""
    access.require(access.can_extract_synopsis(actor), "Only the Programme Office and sponsors read synopses here.")
    if upload is not None:
        if error := too_large(upload.size):  # refused before reading 40 MB into memory
            raise ValidationError({"synopsis": str(error)})
        try:
            text = synopsis_text(upload.name, upload.read())
        except UnreadableSynopsis as exc:
            raise ValidationError({"synopsis": str(exc)}) from exc
    text = (text or "").strip()[:SYNOPSIS_MAX_CHARS]
    if not text:
        raise ValidationError({"synopsis": "Upload the synopsis (PDF, Word or text) or paste its text."})
    return extract(text, taxonomy_terms()), text
