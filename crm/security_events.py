"""The account events a Programme Office must be able to trace (ASVS V16: security logging): sign-ins,
failed sign-ins, password and email changes, two-factor methods added or removed, API tokens made or
revoked. Recorded from allauth's and Django's signals (the only place every path through allauth's
pages meets) and from the token services; shown in the audit log."""

from __future__ import annotations

from crm.models import SecurityEvent, SecurityEventKind

Kind = SecurityEventKind


def _address(request) -> str | None:
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or None
    except Exception:  # a request without an address (tests, management commands) still records the event
        return None


def security_event_record(kind: str, *, user=None, actor=None, request=None, username: str = "", detail: str = ""):
    """Append one event. The user is whose account it concerns; the actor, who acted when not them."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        actor=actor if actor is not None and actor.pk and actor != user else None,
        ip=_address(request),
        detail=detail[:200],
    )


def _on(kind: str, detail=None):
    def handler(sender, request=None, user=None, **kwargs):
        security_event_record(kind, user=user, request=request, detail=detail(**kwargs) if detail else "")

    return handler


def _email(key: str):
    return lambda **kwargs: str(getattr(kwargs.get(key), "email", "") or "")


def _authenticator(**kwargs) -> str:
    authenticator = kwargs.get("authenticator")
    return authenticator.get_type_display() if authenticator is not None else ""


def _sign_in_failed(sender, credentials=None, request=None, **kwargs):
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email") or ""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username__iexact=typed).first() or (
        User.objects.filter(email__iexact=typed).first() if "@" in typed else None
    )
    security_event_record(Kind.SIGN_IN_FAILED, user=user, username=str(typed), request=request)


def _email_confirmed(sender, request=None, email_address=None, **kwargs):
    security_event_record(
        Kind.EMAIL_CONFIRMED, user=getattr(email_address, "user", None), request=request, detail=email_address.email
    )


def connect() -> None:
    """Called once from CoreConfig.ready()."""
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    handlers = [
        # Django's signal, not allauth's: it also fires when an accepted invitation signs the person in.
        (user_logged_in, _on(Kind.SIGNED_IN)),
        (account.password_changed, _on(Kind.PASSWORD_CHANGED)),
        (account.password_set, _on(Kind.PASSWORD_SET)),
        (account.password_reset, _on(Kind.PASSWORD_RESET)),
        (account.email_added, _on(Kind.EMAIL_ADDED, _email("email_address"))),
        (account.email_removed, _on(Kind.EMAIL_REMOVED, _email("email_address"))),
        (
            account.email_changed,
            _on(
                Kind.EMAIL_CHANGED,
                lambda **kw: f"{_email('from_email_address')(**kw)} → {_email('to_email_address')(**kw)}",
            ),
        ),
        (account.email_confirmed, _email_confirmed),
        (mfa.authenticator_added, _on(Kind.MFA_ENABLED, _authenticator)),
        (mfa.authenticator_removed, _on(Kind.MFA_DISABLED, _authenticator)),
        (mfa.authenticator_reset, _on(Kind.MFA_RESET, _authenticator)),
        (user_login_failed, _sign_in_failed),
    ]
    for signal, handler in handlers:
        signal.connect(handler, weak=False, dispatch_uid=f"crm-security-{id(signal)}")
