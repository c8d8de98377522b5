"""CSV import of organisations and contacts: decode, read and check every row, without a database.

The caller passes what already exists (normalised organisation names, lower-case emails) and gets a
Preview: each row to create, update or reject, with the reasons in words. Nothing here writes; the
service `import_apply` writes a preview only when no row is rejected.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.template.defaultfilters import pluralize

from crm import exports
from engagements.models import LawfulBasis, OrganisationKind, OrganisationSize, OrganisationStatus, normalise_name

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

ORGANISATION_COLUMNS = {"required": ["name", "kind"], "optional": ["size", "country", "website", "status", "notes"]}
CONTACT_COLUMNS = {
    "required": ["first_name", "last_name", "email"],
    "optional": ["organisation", "job_title", "phone", "lawful_basis", "do_not_contact", "notes"],
}
COLUMNS = {"organisations": ORGANISATION_COLUMNS, "contacts": CONTACT_COLUMNS}
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"", "no", "n", "false", "0"}


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Row:
    number: int  # the line in the file, counting the header as line 1
    action: str  # create | update | reject
    values: dict[str, object]
    label: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    target_id: int | None = None


@dataclass
class Preview:
    what: str
    rows: list[Row]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def creates(self) -> int:
        return self.count("create")

    @property
    def updates(self) -> int:
        return self.count("update")

    @property
    def rejects(self) -> int:
        return self.count("reject")

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.rejects == 0


def decode(data: bytes) -> str:
    """The file's text; a FileProblem in words when it is empty, too big or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise FileProblem(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 5 MB. Split it and import each part."
        )
    if not data.strip():
        raise FileProblem("The file is empty. Export the spreadsheet as CSV with a header row and at least one row.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). "
            "In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)” and upload that."
        ) from exc
    if "\x00" in text:
        # A NUL byte is never in a spreadsheet's text, and the database refuses it: say where it is.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileProblem(
            f"Line {line} holds a NUL character (byte 0), which is not text: the file may be UTF-16 or not a CSV. "
            "Save it as “CSV UTF-8 (Comma delimited)” and upload that."
        )
    return text


def _column(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def read_rows(text: str, what: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for each non-blank row; a FileProblem when the columns are wrong."""
    columns = COLUMNS[what]
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem("The file is empty.") from None
    except csv.Error as exc:
        raise FileProblem(f"The file is not readable as CSV: {exc}.") from exc
    names = [_column(h) for h in header]
    missing = [c for c in columns["required"] if c not in names]
    if missing:
        expected = ", ".join(columns["required"] + columns["optional"])
        raise FileProblem(
            f"The file lacks the column{pluralize(len(missing))}: {', '.join(missing)}. The first row must name the columns: {expected}."
        )
    known = set(columns["required"]) | set(columns["optional"])
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            # A file exported here and edited comes back with our formula guard ('+44…); take it off again.
            row = {
                name: exports.restore_cell(value.strip())
                for name, value in zip(names, values, strict=False)
                if name in known and value
            }
            rows.append((line, row))
            if len(rows) > MAX_ROWS:
                raise FileProblem(f"The file has more than {MAX_ROWS:,} rows. Split it and import each part.")
    except csv.Error as exc:
        raise FileProblem(f"The file is not readable as CSV near line {reader.line_num}: {exc}.") from exc
    if not rows:
        raise FileProblem("The file has column names but no rows to import.")
    return rows


def _choice(value: str, choices, label: str, errors: list[str]) -> str:
    if not value:
        return ""
    for code, name in choices:
        if value.lower() in (code, str(name).lower()):
            return code
    allowed = ", ".join(code for code, _ in choices)
    errors.append(f"{label} “{value}” is not one of: {allowed}.")
    return ""


def check_organisations(rows, existing: dict[str, int], similar=None) -> Preview:
    """Organisations: matched to existing ones by normalised name (update), else created.

    `existing` maps normalised names to ids; `similar(name)` (optional) names close matches, as a warning."""
    seen: dict[str, int] = {}
    checked = []
    for line, raw in rows:
        errors: list[str] = []
        name = raw.get("name", "")
        values: dict[str, object] = {"name": name}
        if not name:
            errors.append("The name is missing.")
        elif len(name) > 200:
            errors.append("The name is longer than 200 characters.")
        kind = _choice(raw.get("kind", ""), OrganisationKind.choices, "Kind", errors)
        if not raw.get("kind"):
            errors.append(
                "The kind is missing (pharma, biotech, medtech, cro, academic, charity, nhs, regulator or other)."
            )
        values["kind"] = kind
        if raw.get("size"):
            values["size"] = _choice(raw["size"], OrganisationSize.choices, "Size", errors)
        if raw.get("status"):
            values["status"] = _choice(raw["status"], OrganisationStatus.choices, "Status", errors)
        if raw.get("country"):
            values["country"] = raw["country"][:100]
        if raw.get("website"):
            try:
                URLValidator()(raw["website"])
                values["website"] = raw["website"]
            except ValidationError:
                errors.append(f"The website “{raw['website']}” is not a web address (start it with https://).")
        if raw.get("notes"):
            values["notes"] = raw["notes"]
        key = normalise_name(name) if name else ""
        if key and key in seen:
            errors.append(f"This row repeats line {seen[key]} (same organisation name).")
        elif key:
            seen[key] = line
        row = Row(number=line, action="create", values=values, label=name or "(no name)", errors=errors)
        if key in existing:
            row.action, row.target_id = "update", existing[key]
        elif similar and name and not errors:
            close = similar(name)
            if close:
                row.warnings.append(f"Close to {', '.join(close)}: it will be a new organisation.")
        if errors:
            row.action = "reject"
        checked.append(row)
    return Preview("organisations", checked)


def check_contacts(rows, existing_emails: dict[str, int], organisations: dict[str, int]) -> Preview:
    """Contacts: matched to existing ones by email, case-insensitively (update), else created. The
    organisation, when given, must already exist (matched by normalised name)."""
    seen: dict[str, int] = {}
    checked = []
    for line, raw in rows:
        errors: list[str] = []
        values: dict[str, object] = {}
        for column, label, limit in (("first_name", "first name", 100), ("last_name", "last name", 100)):
            value = raw.get(column, "")
            if not value:
                errors.append(f"The {label} is missing.")
            elif len(value) > limit:
                errors.append(f"The {label} is longer than {limit} characters.")
            values[column] = value
        email = raw.get("email", "")
        if not email:
            errors.append("The email address is missing.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"“{email}” is not an email address.")
        values["email"] = email
        org_name = raw.get("organisation", "")
        if org_name:
            org_id = organisations.get(normalise_name(org_name))
            if org_id is None:
                errors.append(f"Unknown organisation “{org_name}”: add it (or import organisations) first.")
            values["organisation_id"] = org_id
        for column in ("job_title", "phone", "notes"):
            if raw.get(column):
                values[column] = raw[column]
        if raw.get("lawful_basis"):
            values["lawful_basis"] = _choice(raw["lawful_basis"], LawfulBasis.choices, "Lawful basis", errors)
        if "do_not_contact" in raw:
            flag = raw["do_not_contact"].lower()
            if flag in _TRUE:
                values["do_not_contact"] = True
            elif flag in _FALSE:
                values["do_not_contact"] = False
            else:
                errors.append(f"Do not contact “{raw['do_not_contact']}” should be yes or no.")
        key = email.lower()
        if key and key in seen:
            errors.append(f"This row repeats line {seen[key]} (same email address).")
        elif key:
            seen[key] = line
        label = f"{values['first_name']} {values['last_name']}".strip() or email or "(no name)"
        row = Row(number=line, action="create", values=values, label=label, errors=errors)
        if key in existing_emails:
            row.action, row.target_id = "update", existing_emails[key]
        if errors:
            row.action = "reject"
        checked.append(row)
    return Preview("contacts", checked)
