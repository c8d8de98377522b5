from django.conf import settings

from crm.navigation import navigation_for


def site(request):
    user = getattr(request, "user", None)
    nav = navigation_for(user) if user is not None and user.is_authenticated else []
    return {"SITE_NAME": settings.SITE_NAME, "NETWORK_NAME": settings.NETWORK_NAME, "navigation": nav}
