"""Demo organisations, contacts, events, engagements and follow-ups (fictional companies and people).

Deterministic (one seeded random generator), dates relative to today from 1 January two years back, and
rerunnable: organisations, contacts and events are found by natural key; engagements and follow-ups are
added only when none are held yet.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from engagements.models import Contact, Engagement, Event, FollowUp, Initiative, Organisation

SEED = 2026

# name, kind, size, country, therapy areas, modalities
ORGANISATIONS = [
    ("Astrelis Pharma", "pharma", "large", "United Kingdom", "lung, breast", "ADC, small molecule"),
    ("Borealis Therapeutics", "biotech", "sme", "Norway", "melanoma", "cell therapy"),
    ("Caldera Oncology", "biotech", "startup", "United Kingdom", "pancreatic", "small molecule"),
    ("Dunmore Biologics", "biotech", "sme", "Ireland", "lymphoma, myeloma", "bispecific"),
    ("Eskerfield Pharmaceuticals", "pharma", "large", "Switzerland", "prostate", "radioligand"),
    ("Fenwick Clinical Research", "cro", "large", "United Kingdom", "", ""),
    ("Glenrowan Bio", "biotech", "startup", "Scotland", "glioma", "oncolytic virus"),
    ("Halden Immunotherapeutics", "biotech", "sme", "Germany", "colorectal", "antibody"),
    ("Isoterra Radiopharma", "biotech", "sme", "Belgium", "neuroendocrine, prostate", "radioligand"),
    ("Juniper Cell Sciences", "biotech", "startup", "United States", "leukaemia", "cell therapy"),
    ("Kestrel Oncology", "pharma", "large", "United States", "lung, bladder", "ADC, antibody"),
    ("Lanark Trials Ltd", "cro", "sme", "United Kingdom", "", ""),
    ("Meridian Genomics", "medtech", "sme", "United Kingdom", "pan-tumour", "diagnostics"),
    ("Northgate Biopharma", "biotech", "sme", "Netherlands", "ovarian", "ADC"),
    ("Orrin Therapeutics", "biotech", "startup", "United Kingdom", "sarcoma", "small molecule"),
    ("Pellucid Pharma", "pharma", "large", "Japan", "gastric", "antibody"),
    ("Quillon Biotherapeutics", "biotech", "sme", "France", "head and neck", "vaccine"),
    ("Ravensworth Medical", "medtech", "sme", "United Kingdom", "", "imaging"),
    ("Solenne Oncology", "biotech", "startup", "France", "paediatric solid tumours", "small molecule"),
    ("Tamsin Biosciences", "biotech", "sme", "United Kingdom", "breast", "ADC"),
    ("Umbra Pharmaceuticals", "pharma", "large", "Germany", "renal", "small molecule"),
    ("Valtor Gene Therapies", "biotech", "startup", "United States", "retinoblastoma", "gene therapy"),
    ("Westmarch Research Partners", "cro", "large", "United States", "", ""),
    ("Xantheon Bio", "biotech", "sme", "Denmark", "AML", "bispecific"),
    ("Yarrow Oncology", "biotech", "startup", "United Kingdom", "mesothelioma", "cell therapy"),
    ("Zephyrine Therapeutics", "biotech", "sme", "Spain", "liver", "oncolytic virus"),
    ("Arden Cancer Charity", "charity", "", "United Kingdom", "paediatric", ""),
    ("Beacon Children's Cancer Trust", "charity", "", "United Kingdom", "paediatric", ""),
    ("Cairnmoor University Drug Discovery Unit", "academic", "", "Scotland", "pan-tumour", "small molecule"),
    ("Dalesford Institute of Cancer Research", "academic", "", "United Kingdom", "pan-tumour", ""),
    ("Elmstead NHS Foundation Trust", "nhs", "", "United Kingdom", "", ""),
    ("Fairholm Pharma", "pharma", "large", "United Kingdom", "haematology", "small molecule"),
    ("Greyfriars Biotech", "biotech", "startup", "United Kingdom", "brain", "ADC"),
    ("Hollin Therapeutics", "biotech", "sme", "Sweden", "lung", "radioligand"),
    ("Ingleby Antibodies", "biotech", "sme", "United Kingdom", "breast, gastric", "antibody"),
    ("Jessamine Pharma", "pharma", "large", "Italy", "myeloma", "bispecific"),
    ("Kilbride Clinical", "cro", "sme", "Ireland", "", ""),
    ("Lumora Diagnostics", "medtech", "startup", "United Kingdom", "pan-tumour", "liquid biopsy"),
    ("Marisco Biologics", "biotech", "sme", "Canada", "cervical", "vaccine"),
    ("Nettlebed Oncology", "biotech", "startup", "United Kingdom", "paediatric leukaemia", "cell therapy"),
    # Partners: they count apart from industry in the report (DESIGN.md section 7, second round).
    ("National Institute for Health and Care Research", "research_network", "", "United Kingdom", "", ""),
    ("Cancer Research UK", "charity", "", "United Kingdom", "pan-tumour", ""),
    ("Northbridge NIHR Clinical Research Facility", "research_network", "", "United Kingdom", "", ""),
    ("UK Clinical Research Delivery network (UKCRD)", "research_network", "", "United Kingdom", "", ""),
    ("Medicines and Healthcare products Regulatory Agency", "regulator", "", "United Kingdom", "", ""),
    ("Office for Life Sciences", "government", "", "United Kingdom", "", ""),
]

FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Daniel", "Elena", "Farhan", "Grace", "Hiro", "Ines", "James", "Kavya", "Liam",
    "Maya", "Niall", "Olga", "Pavel", "Rosa", "Samir", "Tara", "Uma", "Victor", "Wen", "Yusuf", "Zoe",
    "Aoife", "Bruno", "Carmen", "Dev", "Eilidh", "Felix",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Bianchi", "Chowdhury", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ibrahim", "Jansen",
    "Kowalski", "Larsen", "McAllister", "Nakamura", "O'Brien", "Petrov", "Quinn", "Rahman", "Schmidt", "Taylor",
    "Usman", "Varga", "Walsh", "Xu", "Young", "Zielinski", "Moreau", "Novak", "Okafor", "Silva",
]  # fmt: skip
JOB_TITLES = [
    "Head of Clinical Operations", "Medical Director", "Clinical Trial Manager", "VP Clinical Development",
    "Feasibility Lead", "Director of Site Partnerships", "Chief Medical Officer", "Study Start-up Manager",
    "Business Development Director", "Translational Science Lead",
]  # fmt: skip

# name, kind, month, day, days long, place, virtual, scope, the network's part, attendees (events it runs)
EVENT_SERIES = [
    ("ASCO Annual Meeting", "conference", 5, 30, 5, "Chicago", False, "international", "attended", None),
    ("ESMO Congress", "conference", 10, 17, 5, "Barcelona", False, "international", "presented", None),
    ("AACR Annual Meeting", "conference", 4, 25, 5, "San Diego", False, "international", "attended", None),
    ("NCRI-style UK Cancer Research Conference", "conference", 11, 3, 3, "Liverpool", False, "national", "exhibited", None),
    ("BioIndustry Association Bioscience Forum", "conference", 6, 24, 2, "London", False, "national", "exhibited", None),
    ("Early-Phase Trials Industry Webinar", "webinar", 2, 12, 1, "", True, "national", "hosted", 140),
    ("Radioligand Therapy Roundtable", "roundtable", 9, 9, 1, "London", False, "national", "hosted", 28),
    ("Paediatric Early-Phase Industry Day", "workshop", 3, 18, 1, "Manchester", False, "national", "hosted", 65),
    ("Early-Phase Research Nurse Education Webinar", "education", 7, 8, 1, "", True, "national", "hosted", 210),
    ("MHRA Combined Review Roundtable", "roundtable", 1, 21, 1, "London", False, "national", "hosted", 22),
]  # fmt: skip

# title, kind, summary, partner organisations, events (series names), started (months back; None: not yet),
# ended (months back; None: ongoing), status, outputs
INITIATIVES = [
    (
        "Early-phase education webinar series",
        "education",
        "Quarterly webinars for research nurses, pharmacists and junior doctors new to first-in-human trials.",
        ["National Institute for Health and Care Research"],
        ["Early-Phase Research Nurse Education Webinar", "Early-Phase Trials Industry Webinar"],
        26, None, "active",
        "Eight webinars so far; recordings in the network's learning library.",
    ),
    (
        "Junior Investigator Network",
        "early_career",
        "Pairs trainee investigators with experienced phase I principal investigators across the centres.",
        ["Cancer Research UK"],
        [],
        20, None, "active",
        "Two cohorts; trainees named as sub-investigators on network studies.",
    ),
    (
        "Patient information tool for first-in-human trials",
        "patient_information",
        "Plain-language explainer and consent support co-developed with patients and an industry partner.",
        ["Astrelis Pharma", "Beacon Children's Cancer Trust"],
        [],
        18, 6, "completed",
        "Published online; adopted by six centres' patient information packs.",
    ),
    (
        "Combined review readiness with the regulator",
        "regulatory",
        "Feedback from the network's sites and sponsors on the combined MHRA and ethics review timelines.",
        ["Medicines and Healthcare products Regulatory Agency"],
        ["MHRA Combined Review Roundtable"],
        14, None, "active",
        "A shared checklist that cut resubmissions; timelines tracked on the set-up dashboard.",
    ),
    (
        "Early-phase capacity with the clinical research facilities",
        "partnership",
        "Joint plan with the NIHR clinical research facilities to open more phase I beds to industry studies.",
        ["Northbridge NIHR Clinical Research Facility", "UK Clinical Research Delivery network (UKCRD)"],
        [],
        None, None, "planned",
        "",
    ),
]  # fmt: skip

SUBJECTS = [
    "Pipeline update and early-phase plans",
    "Introduction to the network and its centres",
    "Site capability questions for a first-in-human study",
    "Feasibility follow-up for an ADC programme",
    "Paediatric investigation plan discussion",
    "Radioligand capacity across the network",
    "Confidentiality agreement renewal",
    "Set-up timelines and the 150-day target",
    "Cell therapy accreditation at network sites",
    "Portfolio review with the business development team",
    "Booth conversation about upcoming phase 1 trials",
    "Biomarker testing requirements",
]
TOPICS = ["ADC", "radioligand", "paediatric", "cell therapy", "bispecific", "haematology", "set-up times", "NDA"]
FOLLOW_UPS = [
    "Send the network capability directory",
    "Share centre contacts for the radioligand sites",
    "Chase the synopsis for feasibility",
    "Arrange a call with the paediatric network lead",
    "Send the confidentiality agreement for renewal",
    "Introduce to the haematology community",
]


def demo_start(today: datetime.date) -> datetime.date:
    """The demo begins on 1 January two years back, so last year's report has a whole year before it."""
    return datetime.date(today.year - 2, 1, 1)


def _event_days(today: datetime.date):
    """Each series' editions from the demo's start to six months ahead, as (name, starts_on, ...)."""
    for name, kind, month, day, length, place, virtual, scope, part, attendees in EVENT_SERIES:
        for year in range(today.year - 2, today.year + 1):
            starts_on = datetime.date(year, month, day)
            if demo_start(today) <= starts_on <= today + datetime.timedelta(days=180):
                yield {
                    "name": f"{name} {year}",
                    "kind": kind,
                    "starts_on": starts_on,
                    "ends_on": starts_on + datetime.timedelta(days=length - 1),
                    "place": place,
                    "virtual": virtual,
                    "scope": scope,
                    "participation": part,
                    # Only the events held so far have a head count.
                    "attendees": attendees + 10 * (year - today.year + 2) if attendees and starts_on <= today else None,
                }


@transaction.atomic
def seed(*, users, centres) -> dict[str, int]:
    rng = random.Random(SEED)
    today = timezone.localdate()
    staff = [users[name] for name in ("alice", "priya") if name in users]

    organisations = []
    for i, (name, kind, size, country, areas, modalities) in enumerate(ORGANISATIONS):
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            signed = today - datetime.timedelta(days=rng.randint(60, 900)) if i % 3 == 0 else None
            expires = None
            if signed:
                # One NDA expires within the next 60 days, to show the warning.
                expires = today + datetime.timedelta(days=40) if i == 0 else signed + datetime.timedelta(days=3 * 365)
            org = Organisation.objects.create(
                name=name,
                kind=kind,
                size=size,
                country=country,
                website=f"https://www.{name.split()[0].lower()}.example",
                status=rng.choice(["prospect", "active", "active", "partner"]),
                owner=staff[i % len(staff)] if staff else None,
                therapy_areas=areas,
                modality_interests=modalities,
                nda_signed_on=signed,
                nda_expires_on=expires,
                created_at=timezone.now() - datetime.timedelta(days=rng.randint(400, 900)),
            )
        organisations.append(org)

    contacts = []
    for n in range(90):
        org = organisations[n % len(organisations)]
        first = FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]
        last = LAST_NAMES[(n * 11 + n // len(LAST_NAMES)) % len(LAST_NAMES)]
        domain = org.name.split()[0].lower().replace("'", "")
        email = f"{first}.{last}{n}@{domain}.example".lower().replace("'", "")
        contact, _ = Contact.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": JOB_TITLES[n % len(JOB_TITLES)],
                "organisation": org,
                "do_not_contact": n % 23 == 5,
                "created_at": timezone.now() - datetime.timedelta(days=rng.randint(30, 1500)),
            },
        )
        contacts.append(contact)

    events = []
    for fields in _event_days(today):
        event, created = Event.objects.get_or_create(name=fields.pop("name"), defaults=fields)
        if created and staff:
            event.staff_attending.set(staff[: 1 + rng.randint(0, len(staff) - 1)])
        events.append(event)

    engagements_made = follow_ups_made = 0
    if not Engagement.objects.exists():
        past_events = [e for e in events if e.starts_on <= today]
        # The network meets companies over time: each organisation is first met on a day of its own,
        # a third of them in each year, so every year's report has new organisations.
        span = (today - demo_start(today)).days
        first_met = {
            org.pk: demo_start(today) + datetime.timedelta(days=int(span * 0.95 * i / len(organisations)))
            for i, org in enumerate(organisations)
        }
        for _ in range(420):
            at_event = past_events and rng.random() < 0.45
            event = rng.choice(past_events) if at_event else None
            if event:
                occurred_on = event.starts_on + datetime.timedelta(
                    days=rng.randint(0, (event.last_day - event.starts_on).days)
                )
                kind = {"webinar": "webinar", "roundtable": "roundtable"}.get(event.kind, "conference_meeting")
            else:
                # Skewed towards recent days: the network's industry work grows year on year.
                occurred_on = today - datetime.timedelta(days=int(span * rng.random() ** 1.4))
                kind = rng.choice(["meeting", "call", "call", "email", "site_visit", "meeting"])
            known = [o for o in organisations if first_met[o.pk] <= occurred_on] or organisations[:2]
            orgs = rng.sample(known, min(len(known), 1 if rng.random() < 0.85 else 2))
            people = [c for c in contacts if c.organisation_id in {o.pk for o in orgs}]
            engagement = Engagement.objects.create(
                occurred_on=occurred_on,
                kind=kind,
                subject=rng.choice(SUBJECTS),
                summary=f"Discussed {rng.choice(TOPICS)} and next steps with {orgs[0].name}.",
                event=event,
                topics=", ".join(rng.sample(TOPICS, 2)),
                outcome=rng.choice(["", "Agreed to share a synopsis.", "Will introduce to centres.", "No action."]),
                created_by=rng.choice(staff) if staff else None,
                created_at=timezone.make_aware(datetime.datetime.combine(occurred_on, datetime.time(17, 0))),
            )
            engagement.organisations.set(orgs)
            engagement.contacts.set(rng.sample(people, min(len(people), rng.randint(0, 2))))
            engagement.staff.set(rng.sample(staff, rng.randint(1, len(staff))) if staff else [])
            engagements_made += 1
            # Recent engagements leave follow-ups: some overdue, some done, some ahead.
            if staff and occurred_on >= today - datetime.timedelta(days=60) and rng.random() < 0.6:
                due_on = occurred_on + datetime.timedelta(days=rng.randint(3, 30))
                FollowUp.objects.create(
                    engagement=engagement,
                    organisation=orgs[0],
                    owner=rng.choice(staff),
                    due_on=due_on,
                    done_on=due_on if rng.random() < 0.3 and due_on <= today else None,
                    text=rng.choice(FOLLOW_UPS),
                )
                follow_ups_made += 1
    initiatives_made = _seed_initiatives(today, organisations, events)
    return {
        "organisations": len(organisations),
        "contacts": len(contacts),
        "events": len(events),
        "initiatives": initiatives_made,
        "engagements": engagements_made,
        "follow-ups": follow_ups_made,
    }


def _months_back(today: datetime.date, months: int | None) -> datetime.date | None:
    if months is None:
        return None
    index = today.year * 12 + today.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _seed_initiatives(today: datetime.date, organisations, events) -> int:
    """The network's capability-building work; found by title, so a rerun adds nothing."""
    by_name = {org.name: org for org in organisations}
    made = 0
    for title, kind, summary, partners, series, started, ended, status, outputs in INITIATIVES:
        if Initiative.objects.filter(title=title).exists():
            continue
        initiative = Initiative.objects.create(
            title=title,
            kind=kind,
            summary=summary,
            started_on=_months_back(today, started),
            ended_on=_months_back(today, ended),
            status=status,
            outputs=outputs,
        )
        initiative.organisations.set([by_name[name] for name in partners if name in by_name])
        initiative.events.set([e for e in events if any(e.name.startswith(s) for s in series) and e.starts_on <= today])
        made += 1
    return made
