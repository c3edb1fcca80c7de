from rest_framework import serializers

from core.validation import IdInput, StrictSerializer
from scoro_sync.models import ScoroConnection, SyncRun
from scoro_sync.sync import SYNC_TYPES


class SyncRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncRun
        fields = [
            "id", "kind", "types", "trigger", "status", "started_at", "finished_at", "counts", "api_calls",
            "errors", "progress",
        ]  # fmt: skip
        read_only_fields = fields


class ConnectionSerializer(serializers.ModelSerializer):
    """The connection as admins see it. The API key is never included, only its masked form."""

    # Blank until activated, so not declared as a URI.
    base_url = serializers.CharField(
        read_only=True, help_text="The Scoro API address; blank until activated."
    )

    class Meta:
        model = ScoroConnection
        fields = [
            "state", "base_url", "site_url", "company_account_id", "masked_api_key", "owner_scoro_user_id",
            "owner_name", "recording_required", "auto_publish", "auto_publish_exclude_purchases_expenses",
            "auto_publish_exclude_sales", "publish_attachments", "auto_sync", "daily_call_budget",
            "connected_at", "last_sync_at",
        ]  # fmt: skip
        read_only_fields = fields


class ActivateSerializer(StrictSerializer):
    base_url = serializers.CharField(max_length=200)
    api_key = serializers.CharField(max_length=500, write_only=True, trim_whitespace=True)
    company_account_id = serializers.CharField(max_length=100)


class FinishSerializer(StrictSerializer):
    owner_user_id = IdInput()


class SettingsSerializer(StrictSerializer):
    recording_required = serializers.BooleanField(required=False)
    auto_publish = serializers.BooleanField(required=False)
    auto_publish_exclude_purchases_expenses = serializers.BooleanField(required=False)
    auto_publish_exclude_sales = serializers.BooleanField(required=False)
    publish_attachments = serializers.BooleanField(required=False)
    auto_sync = serializers.BooleanField(required=False)


class SyncSerializer(StrictSerializer):
    types = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SYNC_TYPES)),
        required=False,
        allow_empty=True,
        max_length=50,
    )


# Response shapes (documentation for the OpenAPI schema; the views build the dicts themselves).


class ScoroUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The Scoro user id (pass it as owner_user_id to finish).")
    full_name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)


class ApiCallsSerializer(serializers.Serializer):
    today = serializers.IntegerField(help_text="Scoro API calls today (UTC, Scoro's quota day).")
    last_30_days = serializers.IntegerField()


class ScoroStateSerializer(serializers.Serializer):
    """GET /integrations/scoro/ and the answer of every connect-flow step."""

    connection = ConnectionSerializer()
    api_calls = ApiCallsSerializer()
    sync_runs = SyncRunSerializer(many=True, help_text="The last sync runs, newest first.")
    scoro_users = ScoroUserSerializer(
        many=True,
        required=False,
        help_text="Only while the connection is activated: the Scoro users to pick the owner from.",
    )


class ScoroFinishResponseSerializer(ScoroStateSerializer):
    sync_run = SyncRunSerializer(help_text="The initial full sync that has just started.")


class ScoroActivateResponseSerializer(ScoroStateSerializer):
    scoro_users = ScoroUserSerializer(many=True, help_text="The Scoro users to pick the owner from.")
