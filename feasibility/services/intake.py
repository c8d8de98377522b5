"""Taking requests in: the office's form, the API and the public form."""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from capabilities.models import POPULATION_CODES, Capability, Modality
from crm import permissions as access
from crm.tasks import send_email_task
from engagements.models import Organisation, OrganisationKind, normalise_name
from engagements.services import contact_create
from feasibility.models import (
    Attachment,
    FeasibilityRequest,
    Necessity,
    Phase,
    RequestStatus,
    Requirement,
    Source,
)
from feasibility.services._common import (
    ADVANCED_THERAPIES,
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_FILES,
    ATTACHMENT_MAX_TOTAL_BYTES,
    OOXML_MAIN_PART,
    REQUEST_FIELDS,
    _by,
    _refuse_if_closed,
)


def _next_reference(year: int) -> str:
    prefix = f"FR-{year}-"
    numbers = [
        int(m.group(1))
        for ref in FeasibilityRequest.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if (m := re.fullmatch(rf"{prefix}(\d+)", ref))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _save_with_reference(request: FeasibilityRequest) -> None:
    """Give the next free reference of its received year; retry if another save took it meanwhile."""
    for _attempt in range(5):
        request.reference = _next_reference(request.received_on.year)
        try:
            with transaction.atomic():
                request.save()
            return
        except IntegrityError:
            if not FeasibilityRequest.objects.filter(reference=request.reference).exists():
                raise
            request.pk = None
    raise ValidationError("Could not give this request a reference; please try again.")


def _resolve_capabilities(codes: Iterable, field: str) -> list[Capability]:
    items = list(codes or [])
    objects = [c for c in items if isinstance(c, Capability)]
    wanted = [c for c in items if not isinstance(c, Capability)]
    if wanted:
        found = {c.code: c for c in Capability.objects.filter(code__in=wanted)}
        unknown = [c for c in wanted if c not in found]
        if unknown:
            raise ValidationError({field: f"Unknown capability: {', '.join(map(str, unknown))}."})
        objects += [found[c] for c in wanted]
    return list({c.pk: c for c in objects}.values())


@dataclass(frozen=True)
class _Wanted:
    capability: Capability
    necessity: str
    at_most: int | None = None
    at_least: int | None = None


def _threshold_value(value, capability: str, bound: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or str(value).strip().lstrip("+") not in (str(number), f"{number}.0"):
        raise ValidationError(
            {"requirements": f"{capability}: {bound.replace('_', ' ')} must be a whole number, 0 or more."}
        )
    return number


def _resolve_requirements(requirements: Iterable) -> list[_Wanted]:
    """Requirements as [(capability or code, necessity[, at_most, at_least])] or dicts of the API's shape."""
    items = []
    for item in requirements or []:
        if isinstance(item, dict):
            item = (
                item.get("capability"),
                item.get("necessity", Necessity.REQUIRED),
                item.get("at_most"),
                item.get("at_least"),
            )
        capability, necessity, *bounds = item
        if necessity not in Necessity.values:
            raise ValidationError({"requirements": f"Necessity must be required or preferred, not {necessity!r}."})
        items.append((capability, necessity, *(list(bounds) + [None, None])[:2]))
    capabilities = {
        c.code: c for c in _resolve_capabilities([c for c, *_rest in items], "requirements")
    }  # validates unknown codes
    resolved: dict[int, _Wanted] = {}
    for capability, necessity, at_most, at_least in items:
        cap = capability if isinstance(capability, Capability) else capabilities[capability]
        if cap.code in POPULATION_CODES:
            raise ValidationError({"requirements": "Choose adult or paediatric as a population, not a requirement."})
        previous = resolved.get(cap.pk)
        if previous and previous.necessity != necessity:
            raise ValidationError({"requirements": f"{cap.name} is listed both as required and preferred."})
        at_most = _threshold_value(at_most, cap.name, "at_most")
        at_least = _threshold_value(at_least, cap.name, "at_least")
        if (at_most is not None or at_least is not None) and not cap.has_quantity:
            raise ValidationError(
                {"requirements": f"{cap.name} has no quantity, so it cannot take an at most or at least threshold."}
            )
        if at_most is not None and at_least is not None and at_least > at_most:
            raise ValidationError({"requirements": f"{cap.name}: at least {at_least} is more than at most {at_most}."})
        resolved[cap.pk] = _Wanted(cap, necessity, at_most, at_least)
    return list(resolved.values())


def _validate_request(request: FeasibilityRequest) -> None:
    errors = {}
    if not request.title or not request.title.strip():
        errors["title"] = "Give the study a title."
    if request.modality not in Modality.values:
        errors["modality"] = "Choose a modality."
    if request.phase not in Phase.values:
        errors["phase"] = "Choose a phase."
    try:
        request.clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not request.sponsor_id:
        errors["sponsor"] = "Choose the sponsor organisation."
    if errors:
        raise ValidationError(errors)


def _set_related(request, tumour_types, requirements: list[_Wanted] | None) -> None:
    if tumour_types is not None:
        request.tumour_types.set(tumour_types)
    if requirements is not None:
        wanted = {w.capability.pk: w for w in requirements}
        existing = {r.capability_id: r for r in request.requirements.all()}
        for cap_id, row in existing.items():
            if cap_id not in wanted:
                row.delete()
        for cap_id, w in wanted.items():
            values = {"necessity": w.necessity, "at_most": w.at_most, "at_least": w.at_least}
            row = existing.get(cap_id)
            if row is None:
                Requirement.objects.create(request=request, capability_id=cap_id, **values)
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.save(update_fields=list(values))


def _add_new_contact(actor, request: FeasibilityRequest, new_contact: dict | None) -> None:
    """A contact typed into the request form: made at the sponsor and named on the request."""
    if not new_contact or not any(str(v or "").strip() for v in new_contact.values()):
        return
    fields = {k: v for k, v in new_contact.items() if v not in (None, "")}
    try:
        contact = contact_create(actor=actor, organisation=request.sponsor, **fields)
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"last_name": exc.messages}
        raise ValidationError({f"new_contact_{field}": msgs for field, msgs in messages.items()}) from exc
    request.sponsor_contacts.add(contact)


@transaction.atomic
def request_create(
    *,
    actor,
    title: str,
    sponsor: Organisation,
    populations: Sequence[str] = ("adult",),
    tumour_types: Iterable = (),
    requirements: Iterable = (),
    sponsor_contacts: Iterable = (),
    source: str = Source.OFFICE,
    new_contact: dict | None = None,
    **fields,
) -> FeasibilityRequest:
    """Log a trial opportunity; it starts in triage with the next reference of its received year."""
    access.require(access.can_write_requests(actor), "Only the Programme Office logs requests.")
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown request fields: {', '.join(sorted(unknown))}")
    fields = {k: v for k, v in fields.items() if v is not None or k in ("sites_sought", "patients_total")}
    # Cell and gene therapies are advanced therapies (90 days for approval) unless the office says otherwise.
    fields.setdefault("advanced_therapy", fields.get("modality") in ADVANCED_THERAPIES)
    request = FeasibilityRequest(
        title=(title or "").strip(),
        sponsor=sponsor,
        populations=list(populations or []),
        source=source,
        owner=fields.pop("owner", actor),
        **fields,
    )
    _validate_request(request)
    tumours = _resolve_capabilities(tumour_types, "tumour_types")
    reqs = _resolve_requirements(requirements)
    _by(request, actor)
    _save_with_reference(request)
    _set_related(request, tumours, reqs)
    if sponsor_contacts:
        request.sponsor_contacts.set(sponsor_contacts)
    _add_new_contact(actor, request, new_contact)
    return request


@transaction.atomic
def request_update(
    *,
    actor,
    request: FeasibilityRequest,
    tumour_types: Iterable | None = None,
    requirements: Iterable | None = None,
    sponsor_contacts: Iterable | None = None,
    new_contact: dict | None = None,
    **fields,
) -> FeasibilityRequest:
    """Change a request's details, requirements or tumour types (not once it is closed)."""
    access.require(access.can_write_requests(actor), "Only the Programme Office edits requests.")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    _refuse_if_closed(request, "edited")
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown request fields: {', '.join(sorted(unknown))}")
    if "received_on" in fields and fields["received_on"] and fields["received_on"].year != request.received_on.year:
        # The reference names the received year; moving years would make it lie.
        raise ValidationError({"received_on": "The received date must stay in the year of the reference."})
    for name, value in fields.items():
        if name == "title":
            value = (value or "").strip()
        setattr(request, name, value)
    _validate_request(request)
    tumours = _resolve_capabilities(tumour_types, "tumour_types") if tumour_types is not None else None
    reqs = _resolve_requirements(requirements) if requirements is not None else None
    _by(request, actor).save()
    _set_related(request, tumours, reqs)
    if sponsor_contacts is not None:
        request.sponsor_contacts.set(sponsor_contacts)
    _add_new_contact(actor, request, new_contact)
    return request


def _content_matches(upload: UploadedFile, extension: str) -> bool:
    """The file's bytes are what its extension says: a PDF starts with %PDF; a DOCX or XLSX is a zip holding
    the Office content types and its main part. HTML renamed .pdf, or a program renamed .docx, is refused."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and OOXML_MAIN_PART[extension] in names


def check_attachment(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    extension = next((e for e in ATTACHMENT_EXTENSIONS if name.endswith(e)), None)
    if extension is None:
        raise ValidationError({"attachments": f"{upload.name}: attach PDF, DOCX or XLSX files only."})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachments": f"{upload.name}: files must be 10 MB or smaller."})
    if not _content_matches(upload, extension):
        raise ValidationError(
            {"attachments": f"{upload.name}: the file is not a real {extension[1:].upper()} document."}
        )


def check_attachments(uploads: list[UploadedFile]) -> None:
    """Each file, and all of them together: at most ATTACHMENT_MAX_FILES files, 25 MB in all."""
    errors = []
    if len(uploads) > ATTACHMENT_MAX_FILES:
        errors.append(f"Attach at most {ATTACHMENT_MAX_FILES} documents at a time.")
    if sum(upload.size or 0 for upload in uploads) > ATTACHMENT_MAX_TOTAL_BYTES:
        errors.append("The documents come to more than 25 MB in all: attach the main ones, or send a link.")
    for upload in uploads:
        try:
            check_attachment(upload)
        except ValidationError as exc:
            errors.extend(exc.message_dict["attachments"])
    if errors:
        raise ValidationError({"attachments": errors})


def _attach(request: FeasibilityRequest, uploads: Iterable[UploadedFile], actor=None) -> None:
    for upload in uploads:
        Attachment.objects.create(
            request=request,
            file=upload,
            name=upload.name[:255],
            content_type=getattr(upload, "content_type", "") or "",
            size=upload.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def find_or_create_organisation(name: str) -> Organisation:
    """The organisation with this name once normalised ("Helix Ltd" is "Helix"), else a new prospect."""
    key = normalise_name(name)
    existing = Organisation.objects.filter(normalised_name=key, merged_into__isnull=True).order_by("id").first()
    if existing:
        return existing
    return Organisation.objects.create(name=name.strip(), kind=OrganisationKind.OTHER)


def _check_uploads(uploads: list[UploadedFile], errors: dict) -> None:
    """Add to `errors` what is wrong with the uploads, each file and all of them together."""
    try:
        check_attachments(uploads)
    except ValidationError as exc:
        errors.setdefault("attachments", []).extend(exc.message_dict["attachments"])


def _submit_opportunity(
    *,
    sponsor: Organisation,
    source: str,
    title: str,
    synopsis: str,
    populations: Sequence[str],
    modality: str,
    phase: str,
    asset: str,
    sites_sought: int | None,
    patients_total: int | None,
    planned_start: datetime.date | None,
    uploads: list[UploadedFile],
    actor=None,
    tumour_types: Iterable = (),
    requirements: Iterable = (),
    **submitter,
) -> FeasibilityRequest:
    """What a sponsor's opportunity becomes, whichever door it came through: a request in triage."""
    request = FeasibilityRequest(
        title=(title or "").strip(),
        sponsor=sponsor,
        populations=list(populations or []),
        modality=modality,
        phase=phase,
        asset=asset,
        sites_sought=sites_sought,
        patients_total=patients_total,
        planned_start=planned_start,
        synopsis=synopsis.strip(),
        under_nda=True,
        source=source,
        status=RequestStatus.TRIAGE,
        **submitter,
    )
    _validate_request(request)
    tumours = _resolve_capabilities(tumour_types, "tumour_types")
    reqs = _resolve_requirements(requirements)
    _by(request, actor)
    _save_with_reference(request)
    _set_related(request, tumours, reqs)
    _attach(request, uploads, actor)
    if request.submitter_email:
        context = {"reference": request.reference, "name": request.submitter_name}
        to = [request.submitter_email]
        transaction.on_commit(lambda: send_email_task.enqueue("feasibility-acknowledgement", to, context))
    return request


@transaction.atomic
def request_submit_public(
    *,
    company: str,
    name: str,
    email: str,
    title: str,
    synopsis: str,
    populations: Sequence[str],
    nda_confirmed: bool,
    modality: str = Modality.OTHER,
    phase: str = Phase.PHASE_1,
    asset: str = "",
    sites_sought: int | None = None,
    patients_total: int | None = None,
    planned_start: datetime.date | None = None,
    attachments: Iterable[UploadedFile] = (),
) -> FeasibilityRequest:
    """A sponsor's opportunity through the public form: into triage, with an acknowledgement email."""
    errors = {}
    if not nda_confirmed:
        errors["nda_confirmed"] = "Confirm the opportunity may be shared under the network's confidentiality agreement."
    if not (company or "").strip() or not normalise_name(company):
        errors["company"] = "Give your company's name."
    if not (synopsis or "").strip():
        errors["synopsis"] = "Give a synopsis of the study."
    uploads = list(attachments or [])
    _check_uploads(uploads, errors)
    if errors:
        raise ValidationError(errors)
    return _submit_opportunity(
        sponsor=find_or_create_organisation(company),
        source=Source.PUBLIC_FORM,
        title=title,
        synopsis=synopsis,
        populations=populations,
        modality=modality,
        phase=phase,
        asset=asset,
        sites_sought=sites_sought,
        patients_total=patients_total,
        planned_start=planned_start,
        uploads=uploads,
        submitter_name=name.strip(),
        submitter_email=email.strip(),
        submitter_company=company.strip(),
    )


NDA_REFUSAL = "Accept the network's confidentiality agreement before submitting an opportunity."


@transaction.atomic
def request_submit_sponsor(
    *,
    actor,
    # Left out (as an API client may), they are refused with a message on the field like any empty one.
    title: str = "",
    synopsis: str = "",
    populations: Sequence[str] = (),
    nda_accepted: bool = False,
    modality: str = Modality.OTHER,
    phase: str = Phase.PHASE_1,
    asset: str = "",
    sites_sought: int | None = None,
    patients_total: int | None = None,
    planned_start: datetime.date | None = None,
    tumour_types: Iterable = (),
    requirements: Iterable = (),
    attachments: Iterable[UploadedFile] = (),
    source: str = Source.SPONSOR_ACCOUNT,
) -> FeasibilityRequest:
    """A signed-in sponsor's opportunity: the public form's path, with the company known from the account (never
    from what is sent) and the network NDA accepted once per version (recorded on the user, with its date)."""
    from crm.services import nda_accept

    access.require(access.can_submit_requests(actor), "Only a company's sponsor accounts submit opportunities here.")
    errors = {}
    if not actor.has_accepted_nda(settings.NETWORK_NDA_VERSION) and not nda_accepted:
        errors["nda_accepted"] = NDA_REFUSAL
    if not (synopsis or "").strip():
        errors["synopsis"] = "Give a synopsis of the study."
    uploads = list(attachments or [])
    _check_uploads(uploads, errors)
    if errors:
        raise ValidationError(errors)
    if nda_accepted:
        nda_accept(actor=actor)
    return _submit_opportunity(
        actor=actor,
        sponsor=actor.organisation,
        source=source,
        title=title,
        synopsis=synopsis,
        populations=populations,
        modality=modality,
        phase=phase,
        asset=asset,
        sites_sought=sites_sought,
        patients_total=patients_total,
        planned_start=planned_start,
        tumour_types=tumour_types,
        requirements=requirements,
        uploads=uploads,
        submitter_name=actor.get_full_name() or actor.username,
        submitter_email=actor.email,
        submitter_company=actor.organisation.name,
    )


@transaction.atomic
def request_attach(*, actor, request: FeasibilityRequest, uploads: Iterable[UploadedFile]) -> None:
    """Add documents to a request: the office, or the sponsor's own accounts while it is open."""
    access.require(access.can_add_documents(actor, request), "Only the Programme Office attaches documents.")
    if not access.can_write_requests(actor):
        _refuse_if_closed(request, "given more documents")
    uploads = list(uploads)
    check_attachments(uploads)
    _attach(request, uploads, actor)


# Matching ---------------------------------------------------------------------------------------------
