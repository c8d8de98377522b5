from django.urls import path

from engagements import initiative_views, views

app_name = "engagements"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/merge/", views.organisation_merge, name="organisation-merge"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/review/", views.contact_review, name="contact-review"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/export/", views.contact_export, name="contact-export"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact-erase"),
    path("contacts/<int:pk>/keep/", views.contact_keep, name="contact-keep"),
    path("events/", views.event_list, name="event-list"),
    path("events/new/", views.event_create, name="event-create"),
    path("events/upcoming.ics", views.events_ics, name="events-ics"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("initiatives/", initiative_views.initiative_list, name="initiative-list"),
    path("initiatives/new/", initiative_views.initiative_create, name="initiative-create"),
    path("initiatives/<int:pk>/", initiative_views.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:pk>/edit/", initiative_views.initiative_edit, name="initiative-edit"),
    path("engagements/", views.engagement_list, name="engagement-list"),
    path("engagements/log/", views.engagement_log, name="engagement-log"),
    path("engagements/type-ahead/", views.typeahead, name="typeahead"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement-detail"),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement-edit"),
    path("engagements/<int:pk>/follow-ups/", views.followup_create, name="followup-create"),
    path("follow-ups/", views.followup_list, name="followup-list"),
    path("follow-ups/<int:pk>/done/", views.followup_complete, name="followup-complete"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import-confirm"),
]
