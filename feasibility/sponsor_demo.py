"""Demo of the sponsor's side: sam, a sponsor account at Caldera Oncology, with requests at several stages
(in triage, circulating with answers due, and one whose collated answer the office released). Rerunnable."""

import datetime

from django.utils import timezone

from capabilities.models import Centre
from engagements.models import Organisation
from feasibility import services
from feasibility.models import CentreResponse, FeasibilityRequest, Invitation, Source
from feasibility.workdays import add_working_days

SPONSOR_COMPANY = ("Caldera Oncology", "biotech")

REQUESTS = [
    # title, days ago received, stage, modality, tumour types, requirements
    (
        "CAL-101 first-in-human study of an oral KRAS G12D inhibitor in pancreatic cancer",
        60,
        "released",
        "small_molecule",
        ["tumour.pancreatic"],
        [
            ("design.first_in_human", "required"),
            ("unit.overnight_pk", "required"),
            ("translational.ctdna", "preferred"),
        ],
    ),
    (
        "CAL-204 Phase I/II combination with gemcitabine in biliary tract cancer",
        9,
        "circulating",
        "small_molecule",
        ["tumour.hepatobiliary"],
        [("design.first_in_combination", "required")],
    ),
    (
        "CAL-310 window-of-opportunity study before pancreatic resection",
        2,
        "triage",
        "small_molecule",
        ["tumour.pancreatic"],
        [("translational.fresh_biopsy", "required")],
    ),
]


def _company() -> Organisation:
    name, kind = SPONSOR_COMPANY
    existing = Organisation.objects.filter(name=name, merged_into__isnull=True).first()
    return existing or Organisation.objects.create(name=name, kind=kind, country="United Kingdom")


def seed(*, users, centres) -> dict[str, int]:
    sam, office = users.get("sam"), users.get("alice")
    if sam is None or office is None:
        return {}
    company = _company()
    if sam.organisation_id != company.pk:
        sam.organisation = company
        sam.save(update_fields=["organisation"])
    if FeasibilityRequest.objects.filter(sponsor=company, source=Source.SPONSOR_ACCOUNT).exists():
        return {"sponsor requests": 0}
    today = timezone.localdate()
    adult_centres = list(
        Centre.objects.active()
        .filter(capability_levels__capability__code="adult", capability_levels__level__in=["available", "limited"])
        .distinct()
        .order_by("name")[:4]
    )
    made = 0
    for title, days_ago, stage, modality, tumours, requirements in REQUESTS:
        # Kept in this year: the reference (FR-<year>-nnnn) names the received year.
        received = max(today - datetime.timedelta(days=days_ago), today.replace(month=1, day=1))
        # Sam submits it as a sponsor does (accepting the network NDA the first time).
        request = services.request_submit_sponsor(
            actor=sam,
            nda_accepted=True,
            title=title,
            modality=modality,
            phase="phase_1",
            populations=["adult"],
            tumour_types=tumours,
            requirements=requirements,
            sites_sought=3,
            patients_total=40,
            synopsis=f"{title}. Adults aged 18 years or older; about 40 patients at 3 UK sites.",
        )
        request.received_on = received
        request.save(update_fields=["received_on"])
        made += 1
        if stage == "triage" or not adult_centres:
            continue
        routed_on = received + datetime.timedelta(days=2)
        deadline = add_working_days(routed_on, 10)
        for index, centre in enumerate(adult_centres):
            invitation = Invitation.objects.create(
                request=request,
                centre=centre,
                routed_at=timezone.make_aware(datetime.datetime.combine(routed_on, datetime.time(10))),
                routed_by=office,
                deadline=deadline,
            )
            if stage == "released" and index < 3:
                CentreResponse.objects.create(
                    invitation=invitation,
                    decision="interested" if index < 2 else "declined",
                    decline_reason="" if index < 2 else "no_capacity",
                    principal_investigator=f"Dr {centre.city or centre.name} PI" if index < 2 else "",
                    estimated_patients=6 if index < 2 else None,
                    responded_by=office,
                )
        request.status = "circulating"
        request.save(update_fields=["status"])
        if stage == "released":
            summary = services.sponsor_summary_record(
                actor=office, request=request, sent_to=sam.email, sent_on=deadline + datetime.timedelta(days=3)
            )
            services.sponsor_summary_release(actor=office, summary=summary)
    return {"sponsor requests": made}
