"""One router for the API under /api/v1/: each app lists its viewsets in `api.ROUTES`."""

from rest_framework.routers import DefaultRouter

from capabilities.api import ROUTES as CAPABILITY_ROUTES
from crm.api import ROUTES as CRM_ROUTES
from engagements.api import ROUTES as ENGAGEMENT_ROUTES
from feasibility.api import ROUTES as FEASIBILITY_ROUTES

router = DefaultRouter()
for prefix, viewset, basename in [*ENGAGEMENT_ROUTES, *CAPABILITY_ROUTES, *FEASIBILITY_ROUTES, *CRM_ROUTES]:
    router.register(prefix, viewset, basename=basename)
