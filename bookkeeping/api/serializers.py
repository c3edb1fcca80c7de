from rest_framework import serializers

from bookkeeping.bank_accounts import normalize_iban
from bookkeeping.models import Contact, Dimension, FinanceAccount, Product, Project, TaxRate
from core.validation import StrictInput


class FinanceAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinanceAccount
        fields = ["id", "scoro_id", "code", "name", "is_purchases", "is_sales", "is_active"]


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "scoro_id", "number", "name", "status", "is_active"]


class TaxRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaxRate
        fields = ["id", "scoro_id", "code", "name", "percent", "is_purchases", "is_active"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "scoro_id", "code", "name", "unit", "is_service", "is_active"]


class DimensionSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.name", read_only=True)

    class Meta:
        model = Dimension
        fields = ["id", "scoro_id", "group", "code", "name", "is_active"]


class ContactSerializer(StrictInput, serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id", "scoro_id", "contact_type", "name", "lastname", "reg_no", "vat_no", "iban", "email", "phone",
            "country", "city", "street", "zipcode", "is_supplier", "is_client", "is_active", "push_state",
            "push_error",
        ]  # fmt: skip
        read_only_fields = ["id", "scoro_id", "is_active", "push_state", "push_error"]

    def validate_iban(self, value: str) -> str:
        """A supplier's account on file changes only by a second admin confirming it on an invoice
        (bookkeeping.bank_accounts): typing another one in here would skip the four eyes."""
        current = normalize_iban(self.instance.iban) if self.instance is not None else ""
        if current and normalize_iban(value) != current:
            raise serializers.ValidationError(
                "The bank account on file changes when a second admin confirms a new one on one of the "
                "supplier's invoices (four eyes), not here."
            )
        return value
