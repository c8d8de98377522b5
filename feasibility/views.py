"""HTML pages of feasibility requests."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def answer(request, pk):
    return HttpResponse("")
