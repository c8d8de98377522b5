"""Taking requests in: the office's form, the API and the public form."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from capabilities.models import POPULATION_CODES, Capability, Modality
from crm import permissions as access
from crm.tasks import send_email_task
from engagements.models import Organisation, OrganisationKind, normalise_name
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
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
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


def _resolve_requirements(requirements: Iterable) -> list[tuple[Capability, str]]:
    """Requirements as [(capability or code, necessity)] or [{"capability": code, "necessity": ...}]."""
    pairs = []
    for item in requirements or []:
        if isinstance(item, dict):
            capability, necessity = item.get("capability"), item.get("necessity", Necessity.REQUIRED)
        else:
            capability, necessity = item
        if necessity not in Necessity.values:
            raise ValidationError({"requirements": f"Necessity must be required or preferred, not {necessity!r}."})
        pairs.append((capability, necessity))
    capabilities = {
        c.code: c for c in _resolve_capabilities([c for c, _n in pairs], "requirements")
    }  # validates unknown codes
    resolved: dict[int, tuple[Capability, str]] = {}
    for capability, necessity in pairs:
        cap = capability if isinstance(capability, Capability) else capabilities[capability]
        if cap.code in POPULATION_CODES:
            raise ValidationError({"requirements": "Choose adult or paediatric as a population, not a requirement."})
        previous = resolved.get(cap.pk)
        if previous and previous[1] != necessity:
            raise ValidationError({"requirements": f"{cap.code} is listed both as required and preferred."})
        resolved[cap.pk] = (cap, necessity)
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


def _set_related(request, tumour_types, requirements) -> None:
    if tumour_types is not None:
        request.tumour_types.set(tumour_types)
    if requirements is not None:
        wanted = {cap.pk: necessity for cap, necessity in requirements}
        existing = {r.capability_id: r for r in request.requirements.all()}
        for cap_id, row in existing.items():
            if cap_id not in wanted:
                row.delete()
        for cap_id, necessity in wanted.items():
            row = existing.get(cap_id)
            if row is None:
                Requirement.objects.create(request=request, capability_id=cap_id, necessity=necessity)
            elif row.necessity != necessity:
                row.necessity = necessity
                row.save(update_fields=["necessity"])


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
    **fields,
) -> FeasibilityRequest:
    """Log a trial opportunity; it starts in triage with the next reference of its received year."""
    access.require(access.can_write_requests(actor), "Only the Programme Office logs requests.")
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown request fields: {', '.join(sorted(unknown))}")
    fields = {k: v for k, v in fields.items() if v is not None or k in ("sites_sought", "patients_total")}
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
    return request


@transaction.atomic
def request_update(
    *,
    actor,
    request: FeasibilityRequest,
    tumour_types: Iterable | None = None,
    requirements: Iterable | None = None,
    sponsor_contacts: Iterable | None = None,
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
    return request


def check_attachment(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(ATTACHMENT_EXTENSIONS):
        raise ValidationError({"attachments": f"{upload.name}: attach PDF, DOCX or XLSX files only."})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachments": f"{upload.name}: files must be 10 MB or smaller."})


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
    for upload in uploads:
        try:
            check_attachment(upload)
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
    title: str,
    synopsis: str,
    populations: Sequence[str],
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
    for upload in uploads:
        check_attachment(upload)
    _attach(request, uploads, actor)


# Matching ---------------------------------------------------------------------------------------------
