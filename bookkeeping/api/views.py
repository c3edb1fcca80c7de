from rest_framework import mixins, viewsets

from accounts.api.mixins import CompanyScopedViewSetMixin
from bookkeeping.api import serializers as s
from bookkeeping.contacts import contact_save_local
from bookkeeping.models import Contact, Dimension, FinanceAccount, Product, Project, TaxRate


class _ReadOnly(CompanyScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    filterset_fields = ["is_active"]


class FinanceAccountViewSet(_ReadOnly):
    queryset = FinanceAccount.objects.all()
    serializer_class = s.FinanceAccountSerializer


class ProjectViewSet(_ReadOnly):
    queryset = Project.objects.all()
    serializer_class = s.ProjectSerializer


class TaxRateViewSet(_ReadOnly):
    queryset = TaxRate.objects.all()
    serializer_class = s.TaxRateSerializer


class ProductViewSet(_ReadOnly):
    queryset = Product.objects.all()
    serializer_class = s.ProductSerializer


class DimensionViewSet(_ReadOnly):
    queryset = Dimension.objects.select_related("group")
    serializer_class = s.DimensionSerializer


class ContactViewSet(
    CompanyScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Contacts; creating or changing one here sends it to Scoro."""

    queryset = Contact.objects.all()
    serializer_class = s.ContactSerializer
    filterset_fields = ["is_active", "is_supplier", "push_state"]
    required_permissions = {
        "create": "contacts.edit",
        "update": "contacts.edit",
        "partial_update": "contacts.edit",
    }

    def perform_create(self, serializer):
        serializer.instance = contact_save_local(
            company=self.request.company,
            contact=None,
            data=serializer.validated_data,
            actor=self.request.user,
        )

    def perform_update(self, serializer):
        serializer.instance = contact_save_local(
            company=self.request.company,
            contact=serializer.instance,
            data=serializer.validated_data,
            actor=self.request.user,
        )
