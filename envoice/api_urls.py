"""All REST routes under /api/v1/. Each app owns its routes in `<app>/api/urls.py`."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api.views import TokenObtainView, UserViewSet
from bookkeeping.api import views as bookkeeping

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("contacts", bookkeeping.ContactViewSet, basename="contact")
router.register("projects", bookkeeping.ProjectViewSet, basename="project")
router.register("finance-accounts", bookkeeping.FinanceAccountViewSet, basename="finance-account")
router.register("tax-rates", bookkeeping.TaxRateViewSet, basename="tax-rate")
router.register("products", bookkeeping.ProductViewSet, basename="product")
router.register("dimensions", bookkeeping.DimensionViewSet, basename="dimension")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("", include("documents.api.urls")),
    path("inbound/", include("inbound.urls")),
    path("", include("rules.api.urls")),
    path("", include("approvals.api.urls")),
    path("", include("scoro_sync.api.urls")),
    path("", include("publishing.api.urls")),
    path("", include(router.urls)),
]
