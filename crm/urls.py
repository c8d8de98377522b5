from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from crm import report_views, views
from crm.api_urls import router

crm_patterns = (
    [
        path("home/", views.home, name="home"),
        path("profile/", views.profile, name="profile"),
        path("profile/tokens/", views.token_create, name="token-create"),
        path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
        path("users/", views.user_list, name="user-list"),
        path("users/<int:pk>/active/", views.user_set_active, name="user-set-active"),
        path("users/sponsors/<int:organisation_pk>/invite/", views.sponsor_invite, name="sponsor-invite"),
        path("users/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
        path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
        path("search/", views.search_view, name="search"),
        path("history/<str:model_label>/<int:pk>/", views.history, name="history"),
        path("reports/annual/", report_views.annual_report_latest, name="annual-report-latest"),
        path("reports/annual/<int:year>/", report_views.annual_report_page, name="annual-report"),
        path(
            "reports/annual/<int:year>/narrative/", report_views.annual_report_narrative, name="annual-report-narrative"
        ),
        path("reports/annual/<int:year>/publish/", report_views.annual_report_publish, name="annual-report-publish"),
        path("reports/annual/<int:year>/csv/", report_views.annual_report_csv, name="annual-report-csv"),
        path("reports/annual/<int:year>/pdf/", report_views.annual_report_pdf, name="annual-report-pdf"),
    ],
    "crm",
)

# Admin sign-in goes through allauth, so it gets the same rate limits and MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.SITE_NAME} administration"

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("", include(crm_patterns)),
    path("", include("engagements.urls")),
    path("", include("capabilities.urls")),
    path("", include("feasibility.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no 'unsafe-inline'.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
