"""Small helpers for forms shared by every app."""

import datetime

from django.core.exceptions import ValidationError
from django.forms import Form
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

# Upper bounds for counts people type: far above any real trial (the largest enrol tens of thousands), far
# below the database column, so an absurd number is a message on the field and never a database error.
MAX_PATIENTS = 100_000
MAX_SITES = 1_000
MAX_QUANTITY = 100_000
# A synopsis or comment: about ten pages of text; a longer document is an attachment.
MAX_TEXT = 20_000
# Dates outside this range are typing slips (9999-12-31, 0201-05-01), and break calendars and sums of days.
EARLIEST_DATE = datetime.date(1990, 1, 1)
YEARS_AHEAD = 20


def check_date_range(value: datetime.date | None, today: datetime.date | None = None) -> str | None:
    """A message when a date is outside the sane range (1990 to twenty years ahead), else None."""
    if value is None:
        return None
    latest = (today or timezone.localdate()).replace(month=12, day=31)
    latest = latest.replace(year=latest.year + YEARS_AHEAD)
    if not EARLIEST_DATE <= value <= latest:
        return f"Give a date between {EARLIEST_DATE:%d %b %Y} and {latest:%d %b %Y}."
    return None


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or at the top of the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def redirect_back(request, default: str, *args):
    """Go where the form's `next` field says (a page of this site only), else to the default page.

    `next` comes from the browser, so it is checked with Django's own rule: an address on another host
    (`https://evil.example`, `//evil.example`, `/\\evil.example`) is ignored, never followed.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, *args)


def page_of(request, queryset, *, per_page: int, param: str = "page"):
    """One page of a long list, with links to the pages around it that keep the rest of the query string.

    `param` names the page in the query string, so two lists on one page can be paged apart
    (outstanding answers: overdue and waiting). The list is cut in the database: only the page's rows load.
    """
    from django.core.paginator import Paginator

    page = Paginator(queryset, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else None
    page.next_url = url(page.next_page_number()) if page.has_next() else None
    return page
