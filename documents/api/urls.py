from django.urls import path

from documents.api import review_views

urlpatterns = [
    path("documents/<int:pk>/", review_views.DocumentDetailApi.as_view(), name="api-document-detail"),
    path("documents/<int:pk>/record/", review_views.DocumentRecordApi.as_view(), name="api-document-record"),
]
