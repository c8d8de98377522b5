"""CSV import: a preview of every row, clear errors in words, and all-or-nothing writes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements import importing, services
from engagements.models import Contact, Organisation
from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/import/"


def _upload(client, text, what="contacts", encoding="utf-8", raw=None):
    data = raw if raw is not None else text.encode(encoding)
    return client.post(
        reverse("engagements:import"),
        {"what": what, "file": SimpleUploadedFile("people.csv", data, content_type="text/csv")},
    )


def _counts():
    return Organisation.objects.count(), Contact.objects.count()


def test_it_previews_then_imports_contacts_matching_by_email(client_for, alice):
    org = OrganisationFactory(name="Nimbus Biologics")
    held = ContactFactory(email="ana@nimbus.example", first_name="Ana", last_name="Silva", job_title="")
    client = client_for(alice)
    text = (
        "First name,Last name,Email,Organisation,Job title\n"
        "Ana,Silva,ANA@nimbus.example,Nimbus Biologics Ltd,Medical Director\n"
        "Mei,Tanaka,mei@nimbus.example,Nimbus Biologics,Head of Clinical Operations\n"
    )
    response = _upload(client, text)
    assert b"1 to create, 1 to update" in response.content
    assert Contact.objects.count() == 1
    response = client.post(reverse("engagements:import-confirm"), {"confirm": ""})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.job_title == "Medical Director"
    assert Contact.objects.get(email="mei@nimbus.example").organisation == org


def test_it_imports_organisations_matching_by_normalised_name(client_for, alice):
    held = OrganisationFactory(name="AstraZeneca", country="")
    client = client_for(alice)
    text = "name,kind,country\nAstrazeneca UK Ltd,pharma,United Kingdom\nQuantara Medical,Medtech,Germany\n"
    response = _upload(client, text, what="organisations")
    assert b"1 to create, 1 to update" in response.content
    client.post(reverse("engagements:import-confirm"), {"confirm": ""})
    held.refresh_from_db()
    assert held.country == "United Kingdom"
    assert Organisation.objects.get(name="Quantara Medical").kind == "medtech"


def test_it_writes_nothing_on_cancel(client_for, alice):
    client = client_for(alice)
    _upload(client, "name,kind\nQuantara,cro\n", what="organisations")
    response = client.post(reverse("engagements:import-confirm"), {"cancel": ""})
    assert response.status_code == 302
    assert not Organisation.objects.exists()
    client.post(reverse("engagements:import-confirm"), {"confirm": ""})
    assert not Organisation.objects.exists()


def test_it_rejects_bad_rows_in_words_and_writes_nothing(client_for, alice):
    OrganisationFactory(name="Nimbus Biologics")
    client = client_for(alice)
    text = (
        "first_name,last_name,email,organisation\n"
        "Ana,Silva,ana@nimbus.example,Nimbus Biologics\n"
        "Bo,Berg,not-an-email,Nimbus Biologics\n"
        "Cy,Cole,cy@nowhere.example,Nowhere Pharma\n"
        "Ana,Silva,ANA@nimbus.example,Nimbus Biologics\n"
    )
    response = _upload(client, text)
    content = response.content.decode()
    assert "“not-an-email” is not an email address." in content
    assert "Unknown organisation “Nowhere Pharma”" in content
    assert "repeats line 2 (same email address)" in content
    assert "3 rejected" in content
    assert 'name="confirm"' not in content
    client.post(reverse("engagements:import-confirm"), {"confirm": ""})
    assert _counts() == (1, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"first_name,last_name,email\n", "no rows to import"),
        ("first_name,last_name,email\nJosé,Müller,jm@example.org\n".encode("latin-1"), "not UTF-8"),
        (b"first_name,surname\nA,B\n", "lacks the columns: last_name, email"),
        (b"x" * (10 * 1024 * 1024), "the limit is 5 MB"),
    ],
    ids=["empty", "header-only", "wrong-encoding", "wrong-columns", "10-mb"],
)
def test_it_refuses_a_file_it_cannot_read_and_says_why(client_for, alice, data, message):
    response = _upload(client_for(alice), "", raw=data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == (0, 0)
    assert "engagements_import" not in client_for(alice).session


def test_it_reads_a_file_with_a_byte_order_mark():
    text = importing.decode("\ufeffname,kind\nQuantara,cro\n".encode())
    rows = importing.read_rows(text, "organisations")
    assert rows == [(2, {"name": "Quantara", "kind": "cro"})]


def test_it_rejects_duplicate_organisations_and_unknown_kinds_without_a_database():
    rows = importing.read_rows("name,kind\nNimbus Ltd,biotech\nNimbus,biotech\nZed,spaceship\n", "organisations")
    preview = importing.check_organisations(rows, existing={})
    assert [r.action for r in preview.rows] == ["create", "reject", "reject"]
    assert "repeats line 2" in preview.rows[1].errors[0]
    assert "Kind “spaceship” is not one of" in preview.rows[2].errors[0]
    assert not preview.ok


def test_it_refuses_import_to_viewers(client_for, victor):
    assert client_for(victor).get(reverse("engagements:import")).status_code == 403
    with pytest.raises(Exception, match="Programme Office"):
        services.import_apply(actor=victor, what="organisations", data=b"name,kind\nQ,cro\n")


def test_it_applies_nothing_when_a_row_became_wrong_after_the_preview(client_for, alice):
    client = client_for(alice)
    _upload(client, "first_name,last_name,email,organisation\nAna,Silva,ana@x.example,Nimbus\n")
    # nothing matches "Nimbus" yet: the row was rejected, so confirming imports nothing
    client.post(reverse("engagements:import-confirm"), {"confirm": ""})
    assert _counts() == (0, 0)


def test_it_reads_back_its_own_contact_export_without_the_formula_guard(client_for, alice):
    ContactFactory(first_name="Ana", last_name="Silva", email="ana@nimbus.example", phone="+44 113 343 1234")
    exported = client_for(alice).get(reverse("engagements:contact-list"), {"export": "csv"}).content.decode()
    assert "'+44 113 343 1234" in exported  # defused for spreadsheets
    [(_, row)] = importing.read_rows(exported, "contacts")
    assert row["phone"] == "+44 113 343 1234" and row["first_name"] == "Ana"
