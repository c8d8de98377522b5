"""The capability matrix: cells scrolled or brought into view are never hidden beneath its sticky header or
capability column, and a long centre name is shown whole (wrapped), at laptop and phone size."""

import importlib

import pytest
from django.apps import apps

from tests.browser.conftest import LAPTOP, PHONE, fail_on_console_errors, open_page
from tests.factories import CentreFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_NAME = "Newcastle upon Tyne Hospitals and Great North Children's Hospital Paediatric ECMC"
CELL_CLEAR_OF_HEADERS = """cell => {
  const table = cell.closest('table');
  const header = table.querySelector('thead').getBoundingClientRect();
  const column = table.querySelector('.matrix-corner').getBoundingClientRect();
  cell.scrollIntoView({block: 'nearest', inline: 'nearest'});
  const box = cell.getBoundingClientRect();
  return {top: box.top, headerBottom: header.bottom, left: box.left, columnRight: column.right};
}"""


@pytest.fixture(params={"laptop": LAPTOP, "phone": PHONE}.items(), ids=["laptop", "phone"])
def page(request, browser, live_server):
    page = open_page(browser, live_server, viewport=request.param[1])
    yield page
    fail_on_console_errors(page)


@pytest.fixture
def centres(db):
    importlib.import_module("capabilities.migrations.0003_taxonomy").seed_taxonomy(apps, None)
    return [CentreFactory(name=LONG_NAME), *CentreFactory.create_batch(24)]


def test_it_keeps_a_cell_brought_into_view_clear_of_the_sticky_header_and_column(page, sign_in, victor, centres):
    sign_in(victor)
    page.goto("/centres/matrix/")
    wrap = page.locator(".matrix-wrap")
    wrap.evaluate("box => box.scrollTo(box.scrollWidth, box.scrollHeight)")  # the far corner: cells above and left
    cell = page.locator(".matrix tbody tr:not(.matrix-area)").nth(2).locator("td").nth(1)
    place = cell.evaluate(CELL_CLEAR_OF_HEADERS)
    assert place["top"] >= place["headerBottom"] - 1, place
    assert place["left"] >= place["columnRight"] - 1, place


def test_it_shows_a_long_centre_name_whole(page, sign_in, victor, centres):
    sign_in(victor)
    page.goto("/centres/matrix/")
    link = page.locator(".matrix-centre a", has_text="Great North Children")
    assert link.get_attribute("title") == LONG_NAME
    assert link.evaluate("a => a.scrollHeight <= a.clientHeight + 1 && a.scrollWidth <= a.clientWidth + 1")
