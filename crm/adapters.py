"""allauth's adapter: no open sign-up, and sign-in throttling that cannot lock anyone else out."""

from typing import NamedTuple
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse


def _account_for(credentials: dict):
    """The account a sign-in attempt names, by username or email alike; None when no account matches."""
    login = (credentials.get("email") or credentials.get("username") or "").strip()
    if not login:
        return None
    users = get_user_model().objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
    return users.values_list("pk", flat=True).first()


def _failures_key(account_id) -> str:
    return f"signin-failures:{account_id}"


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation from the Programme Office.

    Sign-in throttling has two parts (ASVS 6.3.1; OWASP's lock-out denial of service):
    - per address, strict: allauth's `login_failed` rate limit, per IP only (ACCOUNT_RATE_LIMITS);
    - per account (the same whether the person typed their username or their email): after
      SIGNIN_ACCOUNT_FAILURES wrong passwords within SIGNIN_ACCOUNT_WINDOW seconds, the account refuses
      every address that has failed on it, while an address that has not failed may still sign in with the
      right password. Someone guessing from one place is stopped; the owner elsewhere is not locked out.
    """

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        account = _account_for(credentials)
        if account is None:
            return
        failures: dict = cache.get(_failures_key(account), {})
        if sum(failures.values()) >= settings.SIGNIN_ACCOUNT_FAILURES and self.get_client_ip(request) in failures:
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        account = _account_for(credentials)
        if account is None:
            return
        key = _failures_key(account)
        failures: dict = cache.get(key, {})
        address = self.get_client_ip(request)
        failures[address] = failures.get(address, 0) + 1
        cache.set(key, failures, settings.SIGNIN_ACCOUNT_WINDOW)

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
