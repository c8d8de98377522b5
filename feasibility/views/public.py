"""The public opportunity form for sponsors, and its thank-you page.

Thin: each view fetches through crm.permissions, parses a form, calls a service, renders.
"""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from crm.forms_util import add_service_errors
from feasibility import services
from feasibility.forms import (
    PublicOpportunityForm,
)
from feasibility.views._common import (
    PUBLIC_FORM_ATTEMPTS,
    PUBLIC_FORM_LIMIT,
    PUBLIC_FORM_MAX_BYTES,
    PUBLIC_FORM_WINDOW,
)

# Public opportunity form -----------------------------------------------------------------------------------


def _client_address(request) -> str:
    """The sender's address as allauth's sign-in rate limits read it (proxy-aware: TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request) or "unknown"


def _count(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, PUBLIC_FORM_WINDOW)
        return 1


def public_form(request):
    """Anonymous sponsors send an opportunity; a honeypot and a per-address rate limit keep robots out."""
    if request.method == "POST":
        address = _client_address(request)
        key = f"feasibility:public-form:{address}"
        attempts = f"feasibility:public-form-attempts:{address}"
        cache.add(key, 0, PUBLIC_FORM_WINDOW)
        cache.add(attempts, 0, PUBLIC_FORM_WINDOW)
        # Every post counts, refused ones too, so a robot cannot probe the form without limit.
        tried = _count(attempts)
        if cache.get(key, 0) >= PUBLIC_FORM_LIMIT or tried > PUBLIC_FORM_ATTEMPTS:
            return render(
                request, "feasibility/public_form.html", {"form": PublicOpportunityForm(), "limited": True}, status=429
            )
        if int(request.META.get("CONTENT_LENGTH") or 0) > PUBLIC_FORM_MAX_BYTES:
            # Refused before the files are read: the body is never stored.
            messages.error(request, "The documents are too large in all: attach up to 25 MB, or send a link instead.")
            return render(request, "feasibility/public_form.html", {"form": PublicOpportunityForm()}, status=413)
        form = PublicOpportunityForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            _count(key)
            if data.pop("website"):
                # A robot filled the hidden field: thank it and keep nothing.
                return redirect("feasibility:public-thanks")
            try:
                attachments = data.pop("attachments")
                made = services.request_submit_public(**data, attachments=attachments)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session["public_reference"] = made.reference
                return redirect("feasibility:public-thanks")
    else:
        form = PublicOpportunityForm()
    return render(request, "feasibility/public_form.html", {"form": form})


def public_thanks(request):
    return render(request, "feasibility/public_thanks.html", {"reference": request.session.pop("public_reference", "")})
