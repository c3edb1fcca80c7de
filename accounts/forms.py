from django import forms
from django.contrib.auth.password_validation import validate_password

from accounts.models import Role


class SignUpForm(forms.Form):
    company_name = forms.CharField(max_length=200)
    username = forms.CharField(max_length=150)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class InvitationForm(forms.Form):
    email = forms.EmailField()
    # The least powerful role by default: making someone an admin must be a deliberate choice.
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EMPLOYEE)


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
