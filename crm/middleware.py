"""Send a user whose role must use MFA to set it up before anything else."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Paths a user without MFA may still reach: setting it up, signing out, static files.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/")


def mfa_required_for(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return settings.MFA_REQUIRED_FOR_SUPERUSERS
    return user.role in settings.MFA_REQUIRED_ROLES


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and mfa_required_for(user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "Set up two-factor authentication first."}, status=403)
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)
