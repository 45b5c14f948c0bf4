"""People, responsibility groups and companies of the account. Thin: services decide."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from kernel.errors import InvalidInput
from kernel.proxies import AddressRateThrottle
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import selectors, services
from ..models import Company, Contact, ResponsibilityGroup, Role, User


def _company(pk):
    if pk is None:
        return None
    company = Company.objects.filter(pk=pk).first()
    if company is None:
        raise InvalidInput(fields={"company": [_("No such company.")]})
    return company


class PersonSerializer(serializers.ModelSerializer):
    groups = serializers.PrimaryKeyRelatedField(source="responsibility_groups", many=True, read_only=True)
    blocked = serializers.SerializerMethodField()
    invitation_accepted = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "language",
            "phone",
            "company",
            "groups",
            "access_expires_at",
            "blocked",
            "blocked_at",
            "blocked_reason",
            "invited_at",
            "invitation_accepted",
            "date_joined",
        ]

    def get_blocked(self, person) -> bool:
        return person.blocked_at is not None

    def get_invitation_accepted(self, person) -> bool:
        return person.has_usable_password()


class PersonWriteSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, required=False)
    full_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    language = serializers.ChoiceField(choices=[("en", "English"), ("ru", "Русский")], required=False)
    phone = serializers.CharField(max_length=50, allow_blank=True, required=False)
    company = serializers.IntegerField(allow_null=True, required=False)
    groups = serializers.ListField(child=serializers.IntegerField(), required=False)
    access_expires_at = serializers.DateTimeField(allow_null=True, required=False)


class BlockSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class ExpirySerializer(serializers.Serializer):
    until = serializers.DateTimeField(allow_null=True)


class RolesIn(filters.BaseInFilter, filters.ChoiceFilter):
    pass


class PersonFilter(filters.FilterSet):
    role = RolesIn(
        choices=Role.choices, help_text="Roles, comma-separated (e.g. the agents' roles for a picker)"
    )
    company = filters.NumberFilter(field_name="company_id")
    q = filters.CharFilter(method="filter_q", help_text="Part of the name or e-mail")

    class Meta:
        model = User
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """The account's people. Agents read the directory; the account admin invites and manages."""

    serializer_class = PersonSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_people, "write": perms.can_manage_people}
    filterset_class = PersonFilter

    def get_queryset(self):
        return User.objects.prefetch_related("responsibility_groups").order_by("id")

    @extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer})
    def create(self, request):
        data = PersonWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["company"] = _company(values.get("company"))
        person = services.invite_person(actor=request.user, **values)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonWriteSerializer, responses={200: PersonSerializer})
    def partial_update(self, request, pk=None):
        person = self.get_object()
        data = PersonWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        changes.pop("email", None)
        if "company" in changes:
            changes["company"] = _company(changes["company"])
        services.update_person(actor=request.user, person=person, changes=changes)
        return Response(PersonSerializer(self.get_queryset().get(pk=person.pk)).data)

    @extend_schema(request=BlockSerializer, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"], permission_classes=[Predicates])
    def block(self, request, pk=None):
        data = BlockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.block_person(
            actor=request.user, person=self.get_object(), reason=data.validated_data["reason"]
        )
        return Response(PersonSerializer(person).data)

    @extend_schema(request=None, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"])
    def unblock(self, request, pk=None):
        return Response(
            PersonSerializer(services.unblock_person(actor=request.user, person=self.get_object())).data
        )

    @extend_schema(request=ExpirySerializer, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"], url_path="access-expiry")
    def access_expiry(self, request, pk=None):
        data = ExpirySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.set_access_expiry(
            actor=request.user, person=self.get_object(), until=data.validated_data["until"]
        )
        return Response(PersonSerializer(person).data)

    @extend_schema(request=None, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"], url_path="resend-invitation")
    def resend_invitation(self, request, pk=None):
        return Response(
            PersonSerializer(services.resend_invitation(actor=request.user, person=self.get_object())).data
        )


class InvitationAcceptSerializer(serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)


class InvitationAcceptView(APIView):
    """POST sets the first password from an invitation link (signed, expiring, single use)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "password_link"

    @extend_schema(request=InvitationAcceptSerializer, responses={204: None})
    def post(self, request):
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.accept_invitation(request=request, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ResponsibilityGroup
        fields = ["id", "code", "name", "is_active", "members"]


class GroupWriteSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=150)
    members = serializers.ListField(child=serializers.IntegerField(), required=False)


class GroupViewSet(viewsets.ModelViewSet):
    serializer_class = GroupSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent, "write": perms.can_configure_desk}
    queryset = ResponsibilityGroup.objects.prefetch_related("members").order_by("id")

    @extend_schema(request=GroupWriteSerializer, responses={201: GroupSerializer})
    def create(self, request):
        return self._save(None, status.HTTP_201_CREATED)

    @extend_schema(request=GroupWriteSerializer, responses={200: GroupSerializer})
    def update(self, request, pk=None, partial=False):
        return self._save(self.get_object(), status.HTTP_200_OK)

    def _save(self, group, code):
        data = GroupWriteSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        group = services.save_group(
            actor=self.request.user,
            group=group,
            members=data.validated_data.get("members"),
            code=data.validated_data["code"],
            name=data.validated_data["name"],
        )
        return Response(GroupSerializer(self.get_queryset().get(pk=group.pk)).data, status=code)

    def perform_destroy(self, instance):
        services.delete_group(actor=self.request.user, group=instance)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["name", "position", "phone", "email"]


class PremisesField(serializers.ListField):
    """Location ids: read from the locations the company leases, written as the whole set."""

    def get_attribute(self, company):
        return sorted(location.pk for location in company.premises.all())


class CompanySerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, required=False)
    premises = PremisesField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of the locations the company leases (replaces the whole set when sent).",
    )
    key_users = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(
        read_only=True, help_text="A tenant's card is active while it has an attached key user."
    )

    class Meta:
        model = Company
        fields = [
            "id",
            "kind",
            "name",
            "legal_name",
            "brand",
            "external_id",
            "lease_start",
            "lease_end",
            "notes",
            "is_active",
            "contacts",
            "premises",
            "key_users",
        ]
        extra_kwargs = {"external_id": {"validators": []}, "name": {"required": False}}

    def get_key_users(self, company) -> list[int]:
        return [p.pk for p in company.people.all() if p.role == Role.KEY_USER]


class CompanyFilter(filters.FilterSet):
    is_active = filters.BooleanFilter(field_name="is_active")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name")

    class Meta:
        model = Company
        fields = ["kind"]


class CompanyViewSet(viewsets.ModelViewSet):
    """Companies. Agents read all, a requester reads their own; dispatchers and admins edit.
    `PUT /companies/external/<id>/` upserts by the accounting system's id (idempotent)."""

    serializer_class = CompanySerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_directory, "write": perms.can_edit_companies}
    filterset_class = CompanyFilter

    def get_queryset(self):
        queryset = selectors.companies().prefetch_related("contacts", "people", "premises").order_by("id")
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        user = self.request.user
        return queryset if perms.is_agent(user) else queryset.filter(pk=user.company_id)

    def _card(self, company: Company) -> Company:
        """The card as the list shows it (activity computed), re-read after a write."""
        return self.get_queryset().get(pk=company.pk)

    def perform_create(self, serializer):
        company = services.save_company(actor=self.request.user, company=None, data=self._data(serializer))
        serializer.instance = self._card(company)

    def perform_update(self, serializer):
        company = services.save_company(
            actor=self.request.user, company=serializer.instance, data=self._data(serializer)
        )
        serializer.instance = self._card(company)

    @staticmethod
    def _data(serializer) -> dict:
        data = dict(serializer.validated_data)
        if "contacts" in data:
            data["contacts"] = [dict(c) for c in data["contacts"]]
        return data

    def perform_destroy(self, instance):
        services.delete_company(actor=self.request.user, company=instance)

    @extend_schema(request=CompanySerializer, responses={200: CompanySerializer, 201: CompanySerializer})
    @action(detail=False, methods=["put"], url_path=r"external/(?P<external_id>[^/]+)")
    def upsert_external(self, request, external_id=None):
        serializer = CompanySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        company, created = services.upsert_company_by_external_id(
            actor=request.user, external_id=external_id, data=self._data(serializer)
        )
        return Response(CompanySerializer(self._card(company)).data, status=201 if created else 200)


# ---------------------------------------------------------------------------- a key user's team
class TeamMemberSerializer(serializers.ModelSerializer):
    blocked = serializers.SerializerMethodField()
    invitation_accepted = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "phone",
            "language",
            "access_expires_at",
            "blocked",
            "blocked_at",
            "invited_at",
            "invitation_accepted",
        ]

    def get_blocked(self, person) -> bool:
        return person.blocked_at is not None

    def get_invitation_accepted(self, person) -> bool:
        return person.has_usable_password()


class TeamInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=50, allow_blank=True, required=False)
    language = serializers.ChoiceField(choices=[("en", "English"), ("ru", "Русский")], required=False)
    access_expires_at = serializers.DateTimeField(allow_null=True, required=False)
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="Only `employee` is accepted (the default)."
    )
    company = serializers.IntegerField(required=False, help_text="Only the key user's own company.")


class TeamViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A company key user's own team: the people of their company. The key user invites employees
    (POST), lists them, and removes them (DELETE blocks them at once); never anyone else."""

    serializer_class = TeamMemberSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.can_manage_team, "write": perms.can_manage_team}
    filterset_fields = ["role"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.team_of(self.request.user).order_by("id")

    @extend_schema(request=TeamInviteSerializer, responses={201: TeamMemberSerializer})
    def create(self, request):
        data = TeamInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.invite_employee(key_user=request.user, **data.validated_data)
        return Response(TeamMemberSerializer(person).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.remove_employee(key_user=self.request.user, person=instance)

    @extend_schema(request=None, responses={200: TeamMemberSerializer})
    @action(detail=True, methods=["post"], url_path="resend-invitation")
    def resend_invitation(self, request, pk=None):
        person = services.resend_employee_invitation(key_user=request.user, person=self.get_object())
        return Response(TeamMemberSerializer(person).data)

    @extend_schema(request=None, responses={200: TeamMemberSerializer})
    @action(detail=True, methods=["post"])
    def unblock(self, request, pk=None):
        """Let back an employee a key user of this company removed (the staff's blocks stay theirs)."""
        person = services.restore_employee(key_user=request.user, person=self.get_object())
        return Response(TeamMemberSerializer(person).data)

    @extend_schema(request=ExpirySerializer, responses={200: TeamMemberSerializer})
    @action(detail=True, methods=["post"], url_path="access-expiry")
    def access_expiry(self, request, pk=None):
        """Extend or shorten an employee's access (`until`: a moment in the future, or null for no
        end); never past the key user's own access end."""
        data = ExpirySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.set_employee_access_expiry(
            key_user=request.user, person=self.get_object(), until=data.validated_data["until"]
        )
        return Response(TeamMemberSerializer(person).data)
