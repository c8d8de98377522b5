from django.urls import path

from feasibility import views

app_name = "feasibility"
urlpatterns = [
    path("requests/invitations/<int:pk>/answer/", views.answer, name="answer"),
]
