from django.contrib.auth import get_user_model
from rest_framework import serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from accounts.api.permissions import resolve_company
from accounts.selectors import members_of
from accounts.throttling import LoginRateThrottle


class TokenObtainView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}."""

    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    username = serializers.CharField(source="user.username")
    full_name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """The active company's members."""

    serializer_class = MemberSerializer
    queryset = get_user_model().objects.none()

    def get_queryset(self):
        resolve_company(self.request)
        return members_of(company=self.request.company)

    def get_object(self):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.get_queryset(), user_id=self.kwargs["pk"])
