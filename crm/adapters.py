from typing import NamedTuple
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation from the Programme Office."""

    def is_open_for_signup(self, request):
        return False

    def get_reset_password_from_key_url(self, key: str) -> str:
        # Like every other emailed link, the reset link points at SITE_URL, not at whichever host the
        # request happened to arrive on (a proxy's internal address, or a forged Host header).
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def render_mail(self, template_prefix, email, context, headers=None):
        # allauth's emails greet "Hello from <site>" and sign off with its domain: name ours, not the request's host.
        context = {**context, "current_site": _Site(settings.SITE_NAME, urlsplit(settings.SITE_URL).netloc)}
        return super().render_mail(template_prefix, email, context, headers=headers)


class _Site(NamedTuple):
    name: str
    domain: str
