"""The capability matrix: every centre against every capability, filters, CSV and Excel exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from capabilities.models import Capability, CapabilityArea
from tests.factories import CentreCapabilityFactory, CentreFactory

pytestmark = pytest.mark.django_db

URL = reverse("capabilities:matrix")


def cap(code):
    return Capability.objects.get(code=code)


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert "/accounts/login/" in client.get(URL)["Location"]


def test_it_colours_each_cell_by_level(client_for, bob, leeds, manchester):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    CentreCapabilityFactory(centre=manchester, capability=cap("adult"), level="limited")
    CentreCapabilityFactory(centre=manchester, capability=cap("haematology"), level="planned")
    html = client_for(bob).get(URL).content.decode()
    assert html.count('class="level-available"') == 1
    assert html.count('class="level-limited"') == 1
    assert html.count('class="level-planned"') == 1
    assert 'class="level-none"' in html
    assert "Leeds ECMC" in html and "Manchester ECMC" in html


def test_it_filters_by_area_and_network(client_for, victor, leeds, manchester):
    paed = CentreFactory(name="Leeds Paediatric ECMC", code="leeds-paed")
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"))
    CentreCapabilityFactory(centre=paed, capability=cap("paediatric"))
    client = client_for(victor)
    html = client.get(URL, {"network": "paediatric"}).content.decode()
    assert "Leeds Paediatric ECMC" in html and "Manchester ECMC" not in html and ">Leeds ECMC<" not in html
    area = CapabilityArea.objects.get(name="Phase I unit")
    html = client.get(URL, {"area": area.pk}).content.decode()
    assert "Dedicated Phase I beds" in html and "Adult early-phase trials" not in html


def test_it_draws_the_matrix_in_the_same_number_of_queries_for_3_or_30_centres(
    client_for, victor, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            centre = CentreFactory()
            for code in ("adult", "tumour.lung", "unit.beds", "haem.jacie"):
                CentreCapabilityFactory(centre=centre, capability=cap(code))

    client = client_for(victor)
    make(3)
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        assert client.get(URL).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL, {"network": "adult", "export": "xlsx"}).status_code == 200


def test_it_exports_csv_with_a_column_per_centre(client_for, victor, leeds, manchester):
    CentreCapabilityFactory(centre=leeds, capability=cap("unit.beds"), quantity=12)
    response = client_for(victor).get(URL, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Area", "Code", "Capability", "Leeds ECMC", "Manchester ECMC"]
    beds = next(row for row in rows if row[1] == "unit.beds")
    assert beds[3:] == ["available (12)", ""]
    assert len(rows) == Capability.objects.count() + 1


def test_it_exports_an_excel_workbook(client_for, victor, leeds):
    CentreCapabilityFactory(centre=leeds, capability=cap("adult"), level="limited")
    response = client_for(victor).get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["D1"].value == "Leeds ECMC"
    adult = next(row for row in sheet.iter_rows() if row[1].value == "adult")
    assert adult[3].value == "limited" and adult[3].fill.fgColor.rgb.endswith("FFC107")
    assert adult[1].fill.fill_type is None
    assert sheet["A1"].font.bold and sheet.freeze_panes == "D2"
    assert response["Content-Disposition"].startswith('attachment; filename="capability-matrix-')


def test_it_says_what_to_do_when_nothing_matches(client_for, victor, leeds):
    html = client_for(victor).get(URL, {"network": "paediatric"}).content.decode()
    assert "No centres or capabilities match" in html
