from django.urls import path

from feasibility import views

app_name = "feasibility"
urlpatterns = [
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/matches-preview/", views.matches_preview, name="matches-preview"),
    path("requests/outstanding/", views.outstanding, name="outstanding"),
    path("requests/to-answer/", views.to_answer, name="to-answer"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request-edit"),
    path("requests/<int:pk>/route/", views.request_route, name="route"),
    path("requests/<int:pk>/summary/", views.sponsor_summary, name="sponsor-summary"),
    path("requests/<int:pk>/outcome/", views.request_outcome, name="outcome"),
    path("requests/<int:pk>/attachments/", views.request_attach, name="attach"),
    path("requests/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("requests/invitations/<int:pk>/answer/", views.answer, name="answer"),
    path("requests/invitations/<int:pk>/reopen/", views.invitation_reopen, name="invitation-reopen"),
    path("requests/invitations/<int:pk>/deadline/", views.invitation_deadline, name="invitation-deadline"),
    path("requests/setups/<int:pk>/", views.setup_edit, name="setup-edit"),
    path("opportunity/", views.public_form, name="public-form"),
    path("opportunity/thanks/", views.public_thanks, name="public-thanks"),
    path("sponsor/", views.sponsor_home, name="sponsor-home"),
    path("sponsor/submit/", views.sponsor_submit, name="sponsor-submit"),
    path("sponsor/requests/<int:pk>/", views.sponsor_request, name="sponsor-request"),
    path("sponsor/requests/<int:pk>/withdraw/", views.sponsor_withdraw, name="sponsor-withdraw"),
    path("sponsor/summaries/<int:pk>/<str:kind>/", views.sponsor_summary_download, name="summary-download"),
    path(
        "requests/<int:pk>/summary/<int:summary_pk>/release/",
        views.sponsor_summary_release,
        name="sponsor-summary-release",
    ),
    path("scorecards/", views.scorecard_list, name="scorecard-list"),
    path("scorecards/mine/", views.my_scorecard, name="my-scorecard"),
    path("scorecards/<int:pk>/", views.scorecard, name="scorecard"),
]
