"""factory_boy factories for every model tests need. Shared by all apps' tests."""

import datetime

import factory
from django.utils import timezone

from capabilities.models import Capability, CapabilityArea, Centre, CentreCapability, Level, Nation
from crm.models import Role, User
from engagements.models import Contact, Engagement, Event, FollowUp, Organisation
from feasibility.models import CentreResponse, FeasibilityRequest, Invitation, SiteSetUp

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.VIEWER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Centre {n:03d}")
    code = factory.Sequence(lambda n: f"centre-{n:03d}")
    nation = Nation.ENGLAND
    city = "Leeds"
    email = factory.LazyAttribute(lambda c: f"{c.code}@example.nhs.uk")


class CapabilityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapabilityArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Area {n}")


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"test.capability_{n}")
    name = factory.LazyAttribute(lambda c: c.code.replace(".", " ").replace("_", " ").title())
    area = factory.SubFactory(CapabilityAreaFactory)


class CentreCapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreCapability
        django_get_or_create = ["centre", "capability"]

    centre = factory.SubFactory(CentreFactory)
    capability = factory.SubFactory(CapabilityFactory)
    level = Level.AVAILABLE
    confirmed_on = factory.LazyFunction(timezone.localdate)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Helix Oncology {n}")
    kind = "biotech"
    country = "United Kingdom"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"contact{n}@helix.example")
    organisation = factory.SubFactory(OrganisationFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Oncology Congress {n}")
    kind = "conference"
    starts_on = factory.LazyFunction(timezone.localdate)
    place = "Chicago"


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement
        skip_postgeneration_save = True

    occurred_on = factory.LazyFunction(timezone.localdate)
    kind = "meeting"
    subject = factory.Sequence(lambda n: f"Pipeline discussion {n}")

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):
        if create:
            obj.organisations.set(extracted if extracted is not None else [OrganisationFactory()])


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    engagement = factory.SubFactory(EngagementFactory)
    owner = factory.SubFactory(UserFactory, role=Role.PROGRAMME_OFFICE)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    text = "Send the network capability directory"


class FeasibilityRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeasibilityRequest

    reference = factory.Sequence(lambda n: f"FR-2026-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"First-in-human study of XB-{100 + n}")
    sponsor = factory.SubFactory(OrganisationFactory)
    received_on = factory.LazyFunction(timezone.localdate)
    modality = "small_molecule"
    phase = "phase_1"
    populations = factory.LazyFunction(lambda: ["adult"])


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    request = factory.SubFactory(FeasibilityRequestFactory, status="circulating")
    centre = factory.SubFactory(CentreFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class CentreResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreResponse

    invitation = factory.SubFactory(InvitationFactory)
    decision = "interested"


class SiteSetUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteSetUp

    request = factory.SubFactory(FeasibilityRequestFactory, status="placed")
    centre = factory.SubFactory(CentreFactory)


def office_file(kind: str = "docx") -> bytes:
    """The smallest real DOCX or XLSX: a zip with the Office content types and its main part."""
    import io
    import zipfile

    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main, "<document/>")
    return buffer.getvalue()
