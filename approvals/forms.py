from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from accounts.models import Role
from approvals.choices import EXPENSE_REPORT, StepRule
from bookkeeping.models import Contact, FinanceAccount, Project
from core.validation import MAX_POSITIVE_INT
from documents.choices import DocumentType

TYPE_CHOICES = [*DocumentType.choices, (EXPENSE_REPORT, "Expense report (as a whole)")]


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class WorkflowForm(forms.Form):
    name = forms.CharField(max_length=200)
    document_types = forms.MultipleChoiceField(
        choices=TYPE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every document type.",
    )
    min_amount = forms.DecimalField(
        label="Amount above",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        initial="0.00",
        help_text="In company currency; 0 applies to any amount.",
    )
    supplier = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, empty_label="Any supplier"
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), required=False, empty_label="Any project"
    )
    finance_account = forms.ModelChoiceField(
        queryset=FinanceAccount.objects.none(), required=False, empty_label="Any finance account"
    )
    priority = forms.IntegerField(
        min_value=0,
        max_value=MAX_POSITIVE_INT,
        initial=100,
        help_text="Lowest number wins when several match.",
    )
    remind_after_hours = forms.IntegerField(
        label="Remind after (hours)", min_value=1, max_value=720, initial=24
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Contact.objects.for_company(company).filter(is_active=True)
        self.fields["project"].queryset = Project.objects.for_company(company).filter(is_active=True)
        self.fields["finance_account"].queryset = FinanceAccount.objects.for_company(company).filter(
            is_active=True
        )


class StepForm(forms.Form):
    users = MemberChoiceField(
        label="People",
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label="Everyone with the role",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    project_manager = forms.BooleanField(label="The project's manager (from Scoro)", required=False)
    rule = forms.ChoiceField(label="Who must approve", choices=StepRule.choices, initial=StepRule.ANY)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = (
            get_user_model().objects.filter(memberships__company=company, is_active=True).order_by("username")
        )

    def has_approvers(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("users") or data.get("roles") or data.get("project_manager"))


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True, max_num=10)


class ForwardForm(forms.Form):
    to = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Forward to", empty_label="Choose a member"
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, company, exclude=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = (
            get_user_model()
            .objects.filter(memberships__company=company, is_active=True)
            .exclude(pk__in=exclude)
            .order_by("first_name", "username")
        )
        self.fields["to"].label_from_instance = lambda u: u.get_full_name() or u.username


class LinkApproveForm(forms.Form):
    """The page an e-mail's approve link opens: one button, an optional comment."""

    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Anything the accountant should know"}),
    )


class LinkRejectForm(forms.Form):
    """The page an e-mail's reject link opens: the reason is required (it goes back to review)."""

    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What must change?"}),
        error_messages={"required": "Give a reason for the rejection."},
    )
