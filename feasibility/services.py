"""Feasibility operations: take in a trial opportunity, route it, collect answers, report back, follow set-up.

Every state change goes through a function here (`<entity>_<action>(*, actor, ...)`), under
`transaction.atomic`, checking permission with crm.permissions and raising ValidationError with a clear
message, changing nothing, when the change is impossible (answering a withdrawn request, routing a closed one).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from capabilities.models import POPULATION_CODES, Capability, Centre, CentreCapability, Modality, ModalityRule
from crm import permissions as access
from crm.tasks import send_email_task
from engagements.models import Organisation, OrganisationKind, normalise_name
from feasibility import matching
from feasibility.models import (
    CLOSED_STATUSES,
    Attachment,
    CentreResponse,
    Decision,
    DeclineReason,
    FeasibilityRequest,
    Invitation,
    Necessity,
    Phase,
    RequestStatus,
    Requirement,
    SiteSetUp,
    Source,
    SponsorSummary,
)
from feasibility.workdays import add_working_days

DEFAULT_RESPONSE_WORKING_DAYS = 10
REOPEN_WORKING_DAYS = 5
REMINDER_WORKING_DAYS = 2
ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".xlsx")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ADVANCED_THERAPIES = (Modality.CELL_THERAPY, Modality.GENE_THERAPY)

REQUEST_FIELDS = (
    "title",
    "sponsor",
    "source_engagement",
    "received_on",
    "asset",
    "modality",
    "phase",
    "populations",
    "sites_sought",
    "patients_total",
    "planned_start",
    "under_nda",
    "synopsis",
    "response_deadline",
    "owner",
)


def _by(instance, actor):
    """Tell simple_history who made the change, also outside a web request (API, commands, tasks)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    return instance


def _status_label(request: FeasibilityRequest) -> str:
    return RequestStatus(request.status).label.lower()


def _refuse_if_closed(request: FeasibilityRequest, doing: str) -> None:
    if request.status in CLOSED_STATUSES:
        raise ValidationError(f"This request is {_status_label(request)}; it cannot be {doing}.")


# Taking requests in ---------------------------------------------------------------------------------


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


@transaction.atomic
def request_attach(*, actor, request: FeasibilityRequest, uploads: Iterable[UploadedFile]) -> None:
    access.require(access.can_write_requests(actor), "Only the Programme Office attaches documents.")
    uploads = list(uploads)
    for upload in uploads:
        check_attachment(upload)
    _attach(request, uploads, actor)


def find_or_create_organisation(name: str) -> Organisation:
    """The organisation with this name once normalised ("Helix Ltd" is "Helix"), else a new prospect."""
    key = normalise_name(name)
    existing = Organisation.objects.filter(normalised_name=key, merged_into__isnull=True).order_by("id").first()
    if existing:
        return existing
    return Organisation.objects.create(name=name.strip(), kind=OrganisationKind.OTHER)


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
    for upload in uploads:
        try:
            check_attachment(upload)
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.message_dict["attachments"])
    if errors:
        raise ValidationError(errors)
    sponsor = find_or_create_organisation(company)
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
        source=Source.PUBLIC_FORM,
        status=RequestStatus.TRIAGE,
        submitter_name=name.strip(),
        submitter_email=email.strip(),
        submitter_company=company.strip(),
    )
    _validate_request(request)
    _save_with_reference(request)
    _attach(request, uploads)
    if request.submitter_email:
        context = {"reference": request.reference, "name": request.submitter_name}
        to = [request.submitter_email]
        transaction.on_commit(lambda: send_email_task.enqueue("feasibility-acknowledgement", to, context))
    return request


# Matching ---------------------------------------------------------------------------------------------


def centre_profiles(centres: Iterable[Centre] | None = None, today: datetime.date | None = None):
    """Every centre as matching's plain profile, in a constant number of queries."""
    today = today or timezone.localdate()
    centre_list = list(centres) if centres is not None else list(Centre.objects.all())
    ids = [c.pk for c in centre_list]
    levels: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    for centre_id, code, level in CentreCapability.objects.filter(centre_id__in=ids).values_list(
        "centre_id", "capability__code", "level"
    ):
        levels[centre_id][code] = level
    # Past invitations that are due (or answered): answered on time when first answered by the deadline.
    history = {
        row["centre_id"]: row
        for row in Invitation.objects.filter(centre_id__in=ids)
        .filter(Q(deadline__lt=today) | Q(response__isnull=False))
        .values("centre_id")
        .annotate(
            total=Count("id"),
            on_time=Count("id", filter=Q(response__first_responded_at__date__lte=F("deadline"))),
        )
    }
    return [
        matching.CentreProfile(
            id=c.pk,
            name=c.name,
            active=c.active,
            levels=levels[c.pk],
            past_invitations=history.get(c.pk, {}).get("total", 0),
            answered_on_time=history.get(c.pk, {}).get("on_time", 0),
        )
        for c in centre_list
    ]


def request_spec(request: FeasibilityRequest) -> matching.RequestSpec:
    required, preferred, names = [], [], {}
    for code, name, necessity in request.requirements.values_list("capability__code", "capability__name", "necessity"):
        (required if necessity == Necessity.REQUIRED else preferred).append(code)
        names[code] = name
    tumours = []
    for code, name in request.tumour_types.values_list("code", "name"):
        tumours.append(code)
        names[code] = name
    rules: dict[str, list[str]] = {}
    for code, name in ModalityRule.objects.filter(modality=request.modality).values_list(
        "capability__code", "capability__name"
    ):
        rules.setdefault(request.modality, []).append(code)
        names[code] = name
    names.update({"adult": "adult", "paediatric": "paediatric"})
    return matching.RequestSpec(
        populations=list(request.populations or []),
        modality=request.modality,
        required=required,
        preferred=preferred,
        tumour_types=tumours,
        modality_rules=rules,
        names=names,
    )


def spec_from_codes(
    *,
    populations: Sequence[str],
    modality: str,
    required: Iterable[str] = (),
    preferred: Iterable[str] = (),
    tumour_types: Iterable[str] = (),
) -> matching.RequestSpec:
    """A spec for requirements not saved yet (the live preview while editing a request)."""
    required, preferred, tumour_types = list(required), list(preferred), list(tumour_types)
    names = dict(Capability.objects.filter(code__in=[*required, *preferred, *tumour_types]).values_list("code", "name"))
    rules: dict[str, list[str]] = {}
    for code, name in ModalityRule.objects.filter(modality=modality).values_list(
        "capability__code", "capability__name"
    ):
        rules.setdefault(modality, []).append(code)
        names[code] = name
    return matching.RequestSpec(
        populations=[p for p in populations if p in POPULATION_CODES],
        modality=modality,
        required=[c for c in required if c in names],
        preferred=[c for c in preferred if c in names and c not in required],
        tumour_types=[c for c in tumour_types if c in names],
        modality_rules=rules,
        names=names,
    )


def matches_for_spec(spec: matching.RequestSpec) -> list[matching.Match]:
    return matching.match_centres(spec, centre_profiles())


def matches_for(request: FeasibilityRequest, centres: Iterable[Centre] | None = None) -> list[matching.Match]:
    """Every centre's match for this request, eligible first, then by score, then by name."""
    return matching.match_centres(request_spec(request), centre_profiles(centres))


# Routing ----------------------------------------------------------------------------------------------


def default_deadline(request: FeasibilityRequest, centre: Centre, today: datetime.date) -> datetime.date:
    if request.response_deadline:
        return request.response_deadline
    return add_working_days(today, DEFAULT_RESPONSE_WORKING_DAYS, centre.nation)


def _centre_recipients(centre: Centre) -> list[str]:
    emails = [u.email for u in centre.members.all() if u.is_active and u.email]
    if centre.email:
        emails.append(centre.email)
    return list(dict.fromkeys(emails))


def _notify_invitation(invitation: Invitation, template: str) -> None:
    """Email the centre a link. Never the title, sponsor or synopsis: only the reference and where to look."""
    recipients = _centre_recipients(invitation.centre)
    if not recipients:
        return
    context = {
        "reference": invitation.request.reference,
        "centre": invitation.centre.name,
        "deadline": f"{invitation.deadline:%d %B %Y}",
        "link": settings.SITE_URL + reverse("feasibility:answer", args=[invitation.pk]),
    }
    transaction.on_commit(lambda: send_email_task.enqueue(template, recipients, context))


@transaction.atomic
def route_request(
    *,
    actor,
    request: FeasibilityRequest,
    centres: Iterable[Centre | int],
    override_reason: str = "",
    deadline: datetime.date | None = None,
) -> list[Invitation]:
    """Invite centres to answer. Refused whole if a centre is not eligible and no override reason is given.

    A centre already invited is not invited again. The deadline is the one given, else the request's
    response deadline, else 10 UK working days from today in the centre's nation.
    """
    access.require(access.can_write_requests(actor), "Only the Programme Office routes requests.")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    _refuse_if_closed(request, "routed")
    override_reason = (override_reason or "").strip()
    ids = list(dict.fromkeys(c if isinstance(c, int) else c.pk for c in centres))
    if not ids:
        raise ValidationError({"centres": "Choose at least one centre."})
    centre_rows = {c.pk: c for c in Centre.objects.filter(pk__in=ids).prefetch_related("members")}
    unknown = [i for i in ids if i not in centre_rows]
    if unknown:
        raise ValidationError({"centres": f"Unknown centre: {', '.join(map(str, unknown))}."})
    today = timezone.localdate()
    if deadline and deadline < today:
        raise ValidationError({"deadline": "The deadline cannot be in the past."})
    matches = {m.centre_id: m for m in matches_for(request, [centre_rows[i] for i in ids])}
    ineligible = [centre_rows[i].name for i in ids if not matches[i].eligible]
    if ineligible and not override_reason:
        raise ValidationError(
            {
                "centres": f"Not eligible: {', '.join(ineligible)}. "
                "Give an override reason to route them anyway, or leave them out."
            }
        )
    already = set(request.invitations.filter(centre_id__in=ids).values_list("centre_id", flat=True))
    made = []
    for centre_id in ids:
        if centre_id in already:
            continue
        centre, match = centre_rows[centre_id], matches[centre_id]
        invitation = Invitation(
            request=request,
            centre=centre,
            routed_at=timezone.now(),
            routed_by=actor,
            deadline=deadline or default_deadline(request, centre, today),
            score=match.score,
            eligible=match.eligible,
            explanation=match.explanation(),
            override_reason="" if match.eligible else override_reason,
        )
        _by(invitation, actor).save()
        made.append(invitation)
        _notify_invitation(invitation, "feasibility-invitation")
    if made and request.status == RequestStatus.TRIAGE:
        request.status = RequestStatus.CIRCULATING
        _by(request, actor).save(update_fields=["status"])
    return made


# Answers ---------------------------------------------------------------------------------------------


# The fields of a centre's answer, as submit_response takes them.
ANSWER_FIELDS = (
    "decision",
    "decline_reason",
    "principal_investigator",
    "estimated_patients",
    "earliest_start",
    "comments",
)


@transaction.atomic
def submit_response(
    *,
    actor,
    invitation: Invitation,
    decision: str,
    decline_reason: str = "",
    principal_investigator: str = "",
    estimated_patients: int | None = None,
    earliest_start: datetime.date | None = None,
    comments: str = "",
) -> CentreResponse:
    """A centre's answer (or the Programme Office's on its behalf); it may be changed until the deadline."""
    invitation = (
        Invitation.objects.select_related("request", "centre").select_for_update(of=("self",)).get(pk=invitation.pk)
    )
    access.require(access.answers_for_centre(actor, invitation), access.ANSWERS_FOR_CENTRE_ONLY)
    refusal = access.answer_refusal(actor, invitation)
    if refusal:
        raise ValidationError(refusal)
    decline_reason = decline_reason or ""
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = "Choose interested, declined or more information needed."
    elif decision == Decision.DECLINED and not decline_reason:
        errors["decline_reason"] = "Give a reason when declining."
    elif decision != Decision.DECLINED and decline_reason:
        errors["decline_reason"] = "A reason is only given when declining."
    if decline_reason and decline_reason not in DeclineReason.values:
        errors["decline_reason"] = "Choose one of the listed reasons."
    if estimated_patients is not None and estimated_patients < 0:
        errors["estimated_patients"] = "Give a number of patients, 0 or more."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    values = {
        "decision": decision,
        "decline_reason": decline_reason,
        "principal_investigator": (principal_investigator or "").strip(),
        "estimated_patients": estimated_patients,
        "earliest_start": earliest_start,
        "comments": (comments or "").strip(),
        "responded_by": actor,
        "responded_at": now,
    }
    response = CentreResponse.objects.filter(invitation=invitation).first()
    if response is None:
        response = CentreResponse(invitation=invitation, first_responded_at=now, **values)
    else:
        for name, value in values.items():
            setattr(response, name, value)
    _by(response, actor).save()
    return response


@transaction.atomic
def invitation_reopen(*, actor, invitation: Invitation, deadline: datetime.date | None = None) -> Invitation:
    """Let a centre answer after its deadline passed: a new deadline (default 5 working days from today)."""
    access.require(access.can_write_requests(actor), "Only the Programme Office reopens a request for a centre.")
    invitation = Invitation.objects.select_related("request", "centre").get(pk=invitation.pk)
    _refuse_if_closed(invitation.request, "reopened")
    today = timezone.localdate()
    if invitation.deadline >= today:
        raise ValidationError(
            f"The deadline ({invitation.deadline:%d %b %Y}) has not passed; there is nothing to reopen."
        )
    new_deadline = deadline or add_working_days(today, REOPEN_WORKING_DAYS, invitation.centre.nation)
    if new_deadline < today:
        raise ValidationError({"deadline": "The new deadline cannot be in the past."})
    invitation.deadline = new_deadline
    invitation.reopened_at = timezone.now()
    invitation.reminded_at = None
    _by(invitation, actor).save(update_fields=["deadline", "reopened_at", "reminded_at"])
    _notify_invitation(invitation, "feasibility-reopened")
    return invitation


@transaction.atomic
def invitation_deadline_change(*, actor, invitation: Invitation, deadline: datetime.date) -> Invitation:
    access.require(access.can_write_requests(actor), "Only the Programme Office changes deadlines.")
    invitation = Invitation.objects.select_related("request").get(pk=invitation.pk)
    _refuse_if_closed(invitation.request, "changed")
    if deadline is None:
        raise ValidationError({"deadline": "Give the new deadline."})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": "The deadline cannot be in the past."})
    invitation.deadline = deadline
    invitation.reminded_at = None
    _by(invitation, actor).save(update_fields=["deadline", "reminded_at"])
    return invitation


# Back to the sponsor, outcome and set-up -----------------------------------------------------------------


def interested_responses(request: FeasibilityRequest):
    return (
        CentreResponse.objects.filter(invitation__request=request, decision=Decision.INTERESTED)
        .select_related("invitation__centre")
        .order_by("invitation__centre__name")
    )


@transaction.atomic
def sponsor_summary_record(
    *, actor, request: FeasibilityRequest, sent_to: str, sent_on: datetime.date | None = None, notes: str = ""
) -> SponsorSummary:
    """Record that the collated answer went to the sponsor (when, to whom, how many centres answered)."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records sponsor summaries.")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.WITHDRAWN:
        raise ValidationError("This request was withdrawn; there is nothing to send to the sponsor.")
    if request.status == RequestStatus.TRIAGE or not request.invitations.exists():
        raise ValidationError("Route the request to centres before sending the sponsor their answers.")
    errors = {}
    if not (sent_to or "").strip():
        errors["sent_to"] = "Say to whom the summary was sent."
    sent_on = sent_on or timezone.localdate()
    if sent_on > timezone.localdate():
        errors["sent_on"] = "The summary cannot be sent in the future."
    if errors:
        raise ValidationError(errors)
    summary = SponsorSummary(
        request=request,
        sent_on=sent_on,
        sent_to=sent_to.strip(),
        sent_by=actor,
        centres_consulted=request.invitations.count(),
        centres_interested=interested_responses(request).count(),
        notes=(notes or "").strip(),
    )
    _by(summary, actor).save()
    if request.status == RequestStatus.CIRCULATING:
        request.status = RequestStatus.SUMMARY_SENT
        _by(request, actor).save(update_fields=["status"])
    return summary


OUTCOMES = (RequestStatus.PLACED, RequestStatus.NOT_PLACED, RequestStatus.WITHDRAWN)


@transaction.atomic
def request_set_outcome(
    *,
    actor,
    request: FeasibilityRequest,
    outcome: str,
    centres: Iterable[Centre | int] = (),
    notes: str = "",
    closed_on: datetime.date | None = None,
) -> FeasibilityRequest:
    """Close a request: placed (with the selected centres, who get set-up records), not placed, or withdrawn."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records outcomes.")
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in CLOSED_STATUSES:
        raise ValidationError(f"This request is already {_status_label(request)}; its outcome cannot change.")
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": "Choose placed, not placed or withdrawn."})
    ids = list(dict.fromkeys(c if isinstance(c, int) else c.pk for c in centres))
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "The outcome date cannot be in the future."})
    if outcome != RequestStatus.WITHDRAWN and request.status == RequestStatus.TRIAGE:
        raise ValidationError("Route the request to centres before recording whether it was placed.")
    if outcome == RequestStatus.PLACED:
        if not ids:
            raise ValidationError({"centres": "Choose the centres the sponsor selected."})
        invited = set(request.invitations.filter(centre_id__in=ids).values_list("centre_id", flat=True))
        strangers = [i for i in ids if i not in invited]
        if strangers:
            names = Centre.objects.filter(pk__in=strangers).values_list("name", flat=True)
            raise ValidationError({"centres": f"Not invited to this request: {', '.join(names) or strangers}."})
    elif ids:
        raise ValidationError({"centres": "Only a placed request has selected centres."})
    request.status = outcome
    request.closed_on = closed_on
    if notes:
        request.outcome_notes = notes.strip()
    _by(request, actor).save(update_fields=["status", "closed_on", "outcome_notes"])
    existing = set(SiteSetUp.objects.filter(request=request, centre_id__in=ids).values_list("centre_id", flat=True))
    for centre_id in ids:
        if centre_id not in existing:
            setup = SiteSetUp(
                request=request,
                centre_id=centre_id,
                selected_on=closed_on,
                advanced_therapy=request.modality in ADVANCED_THERAPIES,
            )
            _by(setup, actor).save()
    return request


SETUP_DATES = (
    "regulatory_submitted_on",
    "regulatory_approved_on",
    "selected_on",
    "opened_on",
    "first_participant_on",
)


@transaction.atomic
def setup_update(*, actor, setup: SiteSetUp, advanced_therapy: bool | None = None, **dates) -> SiteSetUp:
    """Record the set-up milestones of a selected centre; dates must come in order and not in the future."""
    access.require(access.can_write_requests(actor), "Only the Programme Office records set-up dates.")
    unknown = set(dates) - set(SETUP_DATES)
    if unknown:
        raise TypeError(f"Unknown set-up fields: {', '.join(sorted(unknown))}")
    setup = SiteSetUp.objects.select_for_update().get(pk=setup.pk)
    if setup.request.status != RequestStatus.PLACED:
        raise ValidationError("Set-up is tracked only for placed requests.")
    today = timezone.localdate()
    future = {name: "This date is in the future." for name, value in dates.items() if value and value > today}
    if future:
        raise ValidationError(future)
    for name, value in dates.items():
        setattr(setup, name, value)
    if advanced_therapy is not None:
        setup.advanced_therapy = advanced_therapy
    setup.clean()
    _by(setup, actor).save()
    return setup


# Reminders ---------------------------------------------------------------------------------------------


def invitations_to_remind(today: datetime.date | None = None):
    """Outstanding, not yet reminded invitations whose deadline is 2 working days away or less."""
    today = today or timezone.localdate()
    candidates = (
        Invitation.objects.outstanding()
        .filter(reminded_at__isnull=True, deadline__gte=today)
        .select_related("request", "centre")
        .prefetch_related("centre__members")
    )
    return [i for i in candidates if add_working_days(today, REMINDER_WORKING_DAYS, i.centre.nation) >= i.deadline]


def invitations_remind(today: datetime.date | None = None) -> int:
    """Send each due reminder once (Invitation.reminded_at records it); safe to run twice."""
    sent = 0
    for invitation in invitations_to_remind(today):
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.reminded_at is not None:
                continue
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            _notify_invitation(invitation, "feasibility-reminder")
            sent += 1
    return sent
