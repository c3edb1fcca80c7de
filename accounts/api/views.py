from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials, get_lockout_message
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.api.permissions import resolve_company
from accounts.selectors import members_of
from accounts.throttling import LoginRateThrottle


class TokenObtainView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; 429 once the account or the address is locked out
    (django-axes counts the failures, as for the log-in form and /admin/)."""

    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]

    def post(self, request, *args, **kwargs):
        django_request = request._request  # axes keeps its state on Django's request
        username = request.data.get("username") if hasattr(request.data, "get") else None
        credentials = get_credentials(username=username if isinstance(username, str) else None)
        if not AxesProxyHandler.is_allowed(django_request, credentials):
            return Response({"detail": get_lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        serializer = self.get_serializer(data=request.data, context={"request": django_request})
        if not serializer.is_valid():
            if getattr(django_request, "axes_locked_out", False):
                return Response({"detail": get_lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(
                {"detail": "Unable to log in with the username and password given.", **serializer.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


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
        return get_object_or_404(self.get_queryset(), user_id=self.kwargs["pk"])
