"""The API frame: personal tokens, the one permission class, pagination."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.pagination import PageNumberPagination

from crm import permissions as access
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


class IsSignedIn(permissions.BasePermission):
    def has_permission(self, request, view):
        return access.is_signed_in(request.user)


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
        if not access.is_signed_in(request.user):
            return False
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        if request.method in permissions.SAFE_METHODS:
            check = getattr(type(view), "read_check", None)
            return lookup in getattr(view, "kwargs", {}) or check is None or check(request.user)
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
    def _write_allowed(user, view) -> bool:
        check = getattr(type(view), "write_check", None)
        return bool(check and check(user))


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
