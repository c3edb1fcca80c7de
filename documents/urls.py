from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.DocumentListView.as_view(list_name="inbox"), name="inbox"),
    path("purchases/", views.DocumentListView.as_view(list_name="purchases"), name="purchases"),
    path("sales/", views.DocumentListView.as_view(list_name="sales"), name="sales"),
    path("expenses/", views.DocumentListView.as_view(list_name="expenses"), name="expenses"),
    path("archive/", views.DocumentListView.as_view(list_name="archive"), name="archive"),
]
