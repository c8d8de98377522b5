from django.urls import path

from capabilities import views

app_name = "capabilities"
urlpatterns = [
    path("centres/", views.centre_list, name="centre-list"),
    path("centres/new/", views.centre_create, name="centre-create"),
    path("centres/mine/", views.my_centre, name="my-centre"),
    path("centres/matrix/", views.matrix, name="matrix"),
    path("centres/directory.pdf", views.directory_pdf, name="directory-pdf"),
    path("centres/<int:pk>/", views.centre_detail, name="centre-detail"),
    path("centres/<int:pk>/edit/", views.centre_edit, name="centre-edit"),
    path("centres/<int:pk>/confirm/", views.confirm_all, name="centre-confirm-all"),
    path("centres/<int:pk>/capabilities/<int:capability_pk>/", views.level_edit, name="level-edit"),
    path("centres/<int:pk>/capabilities/<int:capability_pk>/remove/", views.level_remove, name="level-remove"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("taxonomy/capabilities/<int:pk>/", views.capability_edit, name="capability-edit"),
    path("taxonomy/areas/<int:pk>/", views.area_edit, name="area-edit"),
    path("modality-rules/", views.modality_rules, name="modality-rules"),
    path("modality-rules/<int:pk>/remove/", views.modality_rule_remove, name="modality-rule-remove"),
]
