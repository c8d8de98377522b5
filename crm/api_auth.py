"""The API frame: personal tokens, the one permission class, pagination."""

import django_filters
from django import forms
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.pagination import PageNumberPagination

from crm import permissions as access
from crm.middleware import MFA_MISSING_MESSAGE, mfa_missing
from crm.models import ApiToken


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer epoch_…` (or `Token epoch_…`) with a token made on the profile page."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token after the keyword, with no spaces in it.")
        key = header[1].decode(errors="ignore")
        token = ApiToken.objects.for_key(key).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal token from your profile page."}


def _signed_in(request) -> bool:
    """Signed in, and not someone who must use MFA and has not set it up: a token (which the browser's
    MFA middleware never sees) must not be a way round compulsory MFA."""
    if not access.is_signed_in(request.user):
        return False
    if mfa_missing(request.user):
        raise exceptions.PermissionDenied(MFA_MISSING_MESSAGE)
    return True


class IsSignedIn(permissions.BasePermission):
    def has_permission(self, request, view):
        return _signed_in(request)


class RolePermission(permissions.BasePermission):
    """The one permission class of the API: it reads the checks a viewset names.

    A viewset sets `write_check` (a function of crm.permissions taking the user) for create, update and
    delete, and may set `object_write_check(user, obj)`. Reading is governed by the viewset's queryset,
    built from a `visible_*` helper. Writes to one object are checked after the object is fetched from
    that queryset, so an object the user may not see is a 404 and only a visible one can be a 403.
    A method the endpoint does not offer is left to DRF's 405. A viewset may set `read_check`: a user it
    refuses gets 403 for the list (a script must not take "no access" for "no records") and, as the queryset
    is empty for them, 404 for any one object (its existence is not revealed).
    """

    def has_permission(self, request, view):
        if not _signed_in(request):
            return False
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        if request.method in permissions.SAFE_METHODS:
            return self._read_allowed(request.user, view, lookup)
        if getattr(view, request.method.lower(), None) is None:
            return True  # DRF answers 405 Method Not Allowed
        if lookup in getattr(view, "kwargs", {}):
            return True  # decided in has_object_permission, once the visible object is found
        return self._write_allowed(request.user, view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not self._write_allowed(request.user, view):
            return False
        check = getattr(type(view), "object_write_check", None)
        return check(request.user, obj) if check else True

    @staticmethod
    def _read_allowed(user, view, lookup: str) -> bool:
        # Where DESIGN.md section 5 says "none", the list (and any other collection action) is a 403: a script
        # must not take "no access" for "no records". One object stays a 404 (from the empty visible
        # queryset): its existence is not told.
        check = getattr(type(view), "read_check", None)
        if check is None or lookup in getattr(view, "kwargs", {}):
            return True
        return bool(check(user))

    @staticmethod
    def _write_allowed(user, view) -> bool:
        check = getattr(type(view), "write_check", None)
        return bool(check and check(user))


class IdFilter(django_filters.NumberFilter):
    """`?request=42`: an id filtered as a plain whole number, never looked up in a table, so an id that does
    not exist and one the user may not see both give an empty list (no way to learn which ids exist)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**63 - 1)  # the widest integer column; beyond it is a 400, not a 500
        super().__init__(*args, **kwargs)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# The schema: the errors every operation can answer ----------------------------------------------------------

_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
_FIELD_ERRORS = {
    "type": "object",
    "description": "Each field named with what is wrong with it (`non_field_errors` for the whole request).",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {}}, {"type": "string"}, {"type": "object"}],
    },
}
_ERRORS = {
    "400": ("The request is not valid: each field says why.", "ValidationError"),
    "401": ("No valid token or session.", "ErrorDetail"),
    "403": ("Signed in but not allowed (the role, or two-factor authentication not set up).", "ErrorDetail"),
    "404": ("No such record, or one this user may not see (or a page beyond the last).", "ErrorDetail"),
    "412": ("If-Match does not match the record's current ETag: someone changed it since.", "ErrorDetail"),
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents 400, 401, 403 and 404 (and 412 where
    If-Match applies), with their JSON bodies, so clients and schemathesis know what to expect."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", _DETAIL)
    schemas.setdefault("ValidationError", _FIELD_ERRORS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403", "404"]
            if method in ("put", "patch", "delete"):
                codes.append("412")
            for code in codes:
                description, component = _ERRORS[code]
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                )
    return result
