from django.urls import path

from rules import views

app_name = "rules"

urlpatterns = [
    path("", views.RuleListView.as_view(), name="list"),
    path("new/", views.RuleFormView.as_view(), name="new"),
    path("<int:pk>/", views.RuleFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.RuleDeleteView.as_view(), name="delete"),
]
