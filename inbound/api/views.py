"""REST for Settings › E-mail, company admins only:
/inbound/sender-projects/ (GET, POST), /inbound/sender-projects/{id}/ (GET, PATCH, DELETE) and
/inbound/settings/ (GET, PATCH). Bodies are validated by the serializers; inbound.preferences writes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import requires
from inbound.api import serializers as s
from inbound.models import SenderProject
from inbound.preferences import inbound_settings_set, sender_project_delete, sender_project_save
from inbound.selectors import inbound_settings_for, sender_projects_for


class _SettingsApi(APIView):
    permission_classes = [requires("settings.manage")]

    def row(self, request, pk) -> SenderProject:
        return get_object_or_404(sender_projects_for(request.company), pk=pk)


class SenderProjectListApi(_SettingsApi):
    @extend_schema(responses=s.SenderProjectSerializer(many=True))
    def get(self, request):
        return Response(s.SenderProjectSerializer(sender_projects_for(request.company), many=True).data)

    @extend_schema(request=s.SenderProjectInputSerializer, responses={201: s.SenderProjectSerializer})
    def post(self, request):
        body = s.SenderProjectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = sender_project_save(company=request.company, actor=request.user, **body.validated_data)
        return Response(s.SenderProjectSerializer(row).data, status=status.HTTP_201_CREATED)


class SenderProjectApi(_SettingsApi):
    @extend_schema(responses=s.SenderProjectSerializer)
    def get(self, request, pk):
        return Response(s.SenderProjectSerializer(self.row(request, pk)).data)

    @extend_schema(request=s.SenderProjectInputSerializer, responses=s.SenderProjectSerializer)
    def patch(self, request, pk):
        row = self.row(request, pk)
        body = s.SenderProjectInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = {"sender": row.sender, "project": row.project_id, **body.validated_data}
        row = sender_project_save(company=request.company, actor=request.user, instance=row, **data)
        return Response(s.SenderProjectSerializer(row).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        sender_project_delete(company=request.company, instance=self.row(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InboundSettingsApi(_SettingsApi):
    @extend_schema(responses=s.InboundSettingsSerializer)
    def get(self, request):
        return Response(s.InboundSettingsSerializer(inbound_settings_for(request.company)).data)

    @extend_schema(request=s.InboundSettingsInputSerializer, responses=s.InboundSettingsSerializer)
    def patch(self, request):
        body = s.InboundSettingsInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        current = inbound_settings_for(request.company)
        data = body.validated_data
        row = inbound_settings_set(
            company=request.company,
            actor=request.user,
            link_senders="\n".join(data["link_senders"]) if "link_senders" in data else current.link_senders,
            send_replies=data.get("send_replies", current.send_replies),
        )
        return Response(s.InboundSettingsSerializer(row).data)
