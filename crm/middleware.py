"""Send a user whose role must use MFA to set it up before anything else."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

# Paths a user without MFA may still reach: setting it up, signing out, static files.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/")


def mfa_required_for(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return settings.MFA_REQUIRED_FOR_SUPERUSERS
    return user.role in settings.MFA_REQUIRED_ROLES


def mfa_missing(user) -> bool:
    """True for a user who must use MFA and has not set it up yet: the browser sends them to set it up,
    the API (session or token) refuses them."""
    return mfa_required_for(user) and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


MFA_MISSING_MESSAGE = (
    "Your role must use two-factor authentication: set it up in the browser (Profile, Two-factor) before using the API."
)


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not request.path.startswith(_ALLOWED_PREFIXES) and mfa_missing(user):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MFA_MISSING_MESSAGE}, status=403)
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """A NUL character in the address's query (`?q=a%00b`) is never meant, and PostgreSQL refuses it in a
    query: answer 400 with words, in JSON for the API, before any view can turn it into a 500. (Form and API
    fields refuse it on the field already: Django's and DRF's CharField do.)"""

    MESSAGE = "The address holds a NUL character (%00), which is not allowed. Remove it and try again."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return render(request, "400.html", {"message": self.MESSAGE}, status=400)
        return self.get_response(request)
