"""The Approvals page (what waits for me, with the document, its coding and history; decide) and
the Settings pages for approval workflows."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from approvals import selectors, services
from approvals.choices import StepStatus
from approvals.forms import ForwardForm, StepFormSet, WorkflowForm
from approvals.models import ApprovalRequest, ApprovalWorkflow
from audit.selectors import audit_trail_for
from core.errors import ApplicationError
from core.redirects import redirect_back


class ApprovalQueueView(CompanyRequiredMixin, View):
    template_name = "approvals/queue.html"

    def get(self, request):
        user, company = request.user, request.company
        items = []
        for approval in selectors.approval_queue_for(user=user, company=company):
            steps = list(approval.steps.all())
            current = next(s for s in steps if s.status == StepStatus.PENDING)
            items.append(
                {
                    "approval": approval,
                    "subject": approval.subject,
                    "steps": steps,
                    "current": current,
                    "history": list(
                        audit_trail_for(target=approval.subject).order_by("-created_at", "-id")[:20]
                    ),
                    "forward_form": ForwardForm(
                        company=company,
                        exclude=[u.pk for u in current.approvers.all()],
                        auto_id=f"fwd{approval.pk}_%s",
                    ),
                }
            )
        return render(
            request,
            self.template_name,
            {
                "title": "Approvals",
                "items": items,
                "recent": selectors.approval_recent_decisions_by(user=user, company=company),
            },
        )


class _DecisionView(CompanyRequiredMixin, View):
    """POST /approvals/<request id>/approve|reject|forward/ from the queue or the review panel."""

    done_message = ""

    def post(self, request, pk: int):
        approval = get_object_or_404(
            ApprovalRequest.objects.for_company(request.company).select_related("document", "expense_report"),
            pk=pk,
        )
        try:
            self.decide(request, approval)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.done_message.format(subject=approval.subject))
        return redirect_back(request, "approvals:queue")


class ApproveView(_DecisionView):
    done_message = "Approved: {subject}."

    def decide(self, request, approval):
        services.approval_approve(
            request=approval, actor=request.user, comment=request.POST.get("comment", "")
        )


class RejectView(_DecisionView):
    done_message = "Rejected: {subject}. It is back in review."

    def decide(self, request, approval):
        services.approval_reject(
            request=approval, actor=request.user, comment=request.POST.get("comment", "")
        )


class ForwardView(_DecisionView):
    done_message = "Forwarded: {subject}."

    def decide(self, request, approval):
        form = ForwardForm(request.POST, company=request.company)
        if not form.is_valid():
            raise ApplicationError("Choose a member of the company to forward to.")
        services.approval_forward(
            request=approval,
            actor=request.user,
            to_user=form.cleaned_data["to"],
            comment=form.cleaned_data["comment"],
        )


# ---------------------------------------------------------------------------
# Settings → Approval workflows (admins)
# ---------------------------------------------------------------------------


class WorkflowListView(CompanyRequiredMixin, View):
    required_permission = "approvals.manage"
    template_name = "approvals/workflow_list.html"

    def get(self, request):
        workflows = self.scoped(ApprovalWorkflow).select_related("supplier", "project", "finance_account")
        return render(
            request,
            self.template_name,
            {"title": "Approval workflows", "workflows": workflows.prefetch_related("steps__users")},
        )

    def post(self, request):
        enabled = request.POST.get("approvals_enabled") == "on"
        services.approvals_set_enabled(company=request.company, enabled=enabled, actor=request.user)
        messages.success(
            request, "Approvals are on." if enabled else "Approvals are off: documents skip them."
        )
        return redirect("approvals:workflows")


class WorkflowEditView(CompanyRequiredMixin, View):
    required_permission = "approvals.manage"
    template_name = "approvals/workflow_form.html"

    def _workflow(self, pk):
        return get_object_or_404(self.scoped(ApprovalWorkflow), pk=pk) if pk else None

    def _initial(self, workflow):
        if workflow is None:
            return {}, []
        form = {
            "name": workflow.name,
            "document_types": workflow.document_types,
            "min_amount": workflow.min_amount,
            "supplier": workflow.supplier_id,
            "project": workflow.project_id,
            "finance_account": workflow.finance_account_id,
            "priority": workflow.priority,
            "remind_after_hours": workflow.remind_after_hours,
            "is_active": workflow.is_active,
        }
        steps = [
            {
                "users": list(s.users.all()),
                "roles": s.roles,
                "project_manager": s.project_manager,
                "rule": s.rule,
            }
            for s in workflow.steps.all()
        ]
        return form, steps

    def _render(self, request, workflow, form, formset):
        return render(
            request,
            self.template_name,
            {
                "title": workflow.name if workflow else "New approval workflow",
                "workflow": workflow,
                "form": form,
                "formset": formset,
            },
        )

    def get(self, request, pk=None):
        workflow = self._workflow(pk)
        initial, steps = self._initial(workflow)
        form = WorkflowForm(initial=initial, company=request.company)
        formset = StepFormSet(initial=steps, prefix="steps", form_kwargs={"company": request.company})
        return self._render(request, workflow, form, formset)

    def post(self, request, pk=None):
        workflow = self._workflow(pk)
        form = WorkflowForm(request.POST, company=request.company)
        formset = StepFormSet(request.POST, prefix="steps", form_kwargs={"company": request.company})
        if form.is_valid() and formset.is_valid():
            steps = [
                {**f.cleaned_data, "users": list(f.cleaned_data["users"])}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.has_approvers()
            ]
            try:
                workflow = services.approval_workflow_save(
                    company=request.company,
                    actor=request.user,
                    workflow=workflow,
                    steps=steps,
                    **form.cleaned_data,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Saved “{workflow.name}”.")
                return redirect("approvals:workflows")
        return self._render(request, workflow, form, formset)


class WorkflowDeleteView(CompanyRequiredMixin, View):
    required_permission = "approvals.manage"

    def post(self, request, pk):
        workflow = get_object_or_404(self.scoped(ApprovalWorkflow), pk=pk)
        services.approval_workflow_delete(workflow=workflow, actor=request.user)
        messages.success(request, f"Deleted “{workflow.name}”.")
        return redirect("approvals:workflows")
