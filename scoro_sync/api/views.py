"""/api/v1/integrations/scoro/… — the connect flow and sync for automation. Company admins only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import requires
from scoro_sync import selectors, services
from scoro_sync.api import serializers as s
from scoro_sync.models import ScoroConnection


def _state(company) -> dict:
    connection = selectors.connection_for(company=company) or ScoroConnection(company=company)
    data = {
        "connection": s.ConnectionSerializer(connection).data,
        "api_calls": selectors.api_calls_used(company=company),
        "sync_runs": s.SyncRunSerializer(selectors.sync_runs_recent(company=company), many=True).data,
    }
    if connection.state == ScoroConnection.State.ACTIVATED:
        data["scoro_users"] = services.scoro_users_to_pick(company=company)
    return data


class _ScoroApi(APIView):
    permission_classes = [requires("integrations.manage")]


class ScoroStateApi(_ScoroApi):
    @extend_schema(responses=s.ScoroStateSerializer)
    def get(self, request):
        return Response(_state(request.company))


class ScoroActivateApi(_ScoroApi):
    @extend_schema(request=s.ActivateSerializer, responses=s.ScoroActivateResponseSerializer)
    def post(self, request):
        serializer = s.ActivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        users = services.connection_activate(
            company=request.company, actor=request.user, **serializer.validated_data
        )
        return Response({**_state(request.company), "scoro_users": users})


class ScoroFinishApi(_ScoroApi):
    @extend_schema(request=s.FinishSerializer, responses={202: s.ScoroFinishResponseSerializer})
    def post(self, request):
        serializer = s.FinishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.connection_finish(
            company=request.company,
            owner_user_id=serializer.validated_data["owner_user_id"],
            actor=request.user,
        )
        return Response(
            {**_state(request.company), "sync_run": s.SyncRunSerializer(run).data},
            status=status.HTTP_202_ACCEPTED,
        )


class ScoroSettingsApi(_ScoroApi):
    @extend_schema(request=s.SettingsSerializer, responses=s.ScoroStateSerializer)
    def patch(self, request):
        serializer = s.SettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.connection_settings_update(
            company=request.company, actor=request.user, **serializer.validated_data
        )
        return Response(_state(request.company))


class ScoroSyncApi(_ScoroApi):
    @extend_schema(request=s.SyncSerializer, responses={202: s.SyncRunSerializer})
    def post(self, request):
        serializer = s.SyncSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.sync_start(
            company=request.company,
            types=serializer.validated_data.get("types"),
            trigger="manual",
            actor=request.user,
        )
        return Response(s.SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ScoroDeactivateApi(_ScoroApi):
    @extend_schema(request=None, responses=s.ScoroStateSerializer)
    def post(self, request):
        services.connection_deactivate(company=request.company, actor=request.user)
        return Response(_state(request.company))
