"""Four eyes on a supplier's new bank account: what blocks, who may confirm, what the history keeps."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from bookkeeping.bank_accounts import BANK_ACCOUNT_MACHINE, bank_account_check
from bookkeeping.models import ContactBankAccount
from core.errors import InvalidTransition, NotPermitted, ValidationFailed
from documents.bank_accounts import (
    bank_account_review,
    document_bank_account_confirm,
    document_bank_account_reject,
)
from documents.coding import document_record, document_update
from documents.problems import document_problems
from documents.readiness import bank_check, missing_for_publishing
from publishing.models import PublishAttempt
from publishing.services import manual_blocker, publish_document, publish_documents, publish_if_automatic
from scoro_sync.models import ScoroConnection
from tests.documents.bank_accounts.conftest import NEW, ON_FILE
from tests.factories import ContactFactory, MembershipFactory, make_document

pytestmark = pytest.mark.django_db

B = ContactBankAccount.Status


@pytest.fixture
def connected(company):
    """Connected to Scoro (never called here: every refusal happens before anything is sent)."""
    connection = ScoroConnection(
        company=company,
        state=ScoroConnection.State.CONNECTED,
        base_url="https://scoro.invalid",
        company_account_id="demo",
        auto_publish=True,
    )
    connection.set_api_key("not-used")
    connection.save()
    return connection


def _waiting_message(document) -> list[str]:
    return [p.message for p in document_problems(document) if p.kind == "bank_account"]


# ------------------------------------------------------------------------------------------- the check
def test_an_invoice_paid_to_the_account_on_file_does_not_wait(recorded, supplier):
    document = recorded(iban="ee38 2200 2210 2014 5685")  # as people type it
    assert bank_account_check(contact=supplier, iban=document.fields["iban"]).state == "known"
    assert missing_for_publishing(document) == []
    assert _waiting_message(document) == []
    assert not ContactBankAccount.objects.filter(contact=supplier, status=B.PENDING).exists()


def test_the_first_account_of_a_supplier_without_one_goes_on_file_without_waiting(company, books, admin_user):
    supplier = ContactFactory(company=company, name="Brand New OÜ")
    document = make_document(
        company,
        fields={"iban": NEW},
        supplier=supplier,
        project=books["project"],
        finance_account=books["account"],
    )
    assert bank_account_check(contact=supplier, iban=NEW).state == "first"
    document = document_record(document=document, actor=admin_user)

    supplier.refresh_from_db()
    assert supplier.iban == NEW
    row = ContactBankAccount.objects.get(contact=supplier)
    assert row.status == B.ON_FILE and row.first_document_id == document.pk
    assert "first bank account" in row.note.lower()
    assert missing_for_publishing(document) == []
    note = AuditEvent.objects.get(target_id=document.pk, verb="bank_account.first")
    assert "first bank account seen for Brand New OÜ" in note.message


def test_an_account_already_waiting_keeps_waiting_when_the_supplier_has_none_on_file(
    company, books, admin_user
):
    supplier = ContactFactory(company=company, name="Cleared IBAN AS", iban="")
    ContactBankAccount.objects.create(company=company, contact=supplier, iban=NEW, status=B.PENDING)
    document = make_document(
        company,
        fields={"iban": NEW},
        supplier=supplier,
        project=books["project"],
        finance_account=books["account"],
    )
    assert bank_account_check(contact=supplier, iban=NEW).state == "new"
    document = document_record(document=document, actor=admin_user)

    assert ContactBankAccount.objects.get(contact=supplier, iban=NEW).status == B.PENDING
    supplier.refresh_from_db()
    assert supplier.iban == ""
    assert missing_for_publishing(document) != []


def test_a_new_account_blocks_publishing_with_the_reason_and_waits_in_the_history(
    recorded, supplier, admin_user, connected
):
    document = recorded()

    assert document.status == "ready"  # recording is not blocked, publishing is
    row = ContactBankAccount.objects.get(contact=supplier, iban=NEW)
    assert row.status == B.PENDING and row.requested_by == admin_user
    assert row.first_document_id == document.pk and row.first_document_label == "invoice INV-1001"
    assert ContactBankAccount.objects.get(contact=supplier, iban=ON_FILE).status == B.ON_FILE
    (missing,) = missing_for_publishing(document)
    assert missing == (
        f"confirmation of the new bank account LT60 1010 0123 4567 8901 of {supplier} by a second admin"
    )
    (message,) = _waiting_message(document)
    assert message.startswith(f"New bank account for {supplier} needs confirmation by a second admin")
    assert "EE38 2200 2210 2014 5685" in message
    problem = next(p for p in document_problems(document) if p.kind == "bank_account")
    assert problem.field == "iban" and problem.short == "new bank account"
    assert AuditEvent.objects.filter(target_id=document.pk, verb="bank_account.new").exists()

    # Manual: the button says why and the service refuses; bulk skips it with the same reason.
    assert "by a second admin" in manual_blocker(document=document, connection=connected)
    with pytest.raises(ValidationFailed, match="by a second admin"):
        publish_document(document=document, actor=admin_user)
    result = publish_documents(documents=[document], actor=admin_user)
    assert result["queued"] == [] and "by a second admin" in result["skipped"][0]["reason"]
    # Automatic: not queued; the attempt waits with the reason shown on its panel.
    assert publish_if_automatic(document=document) is False
    attempt = PublishAttempt.objects.get(document=document)
    assert attempt.status == "waiting" and "by a second admin" in attempt.waiting_reason
    document.refresh_from_db()
    assert document.status == "ready"


def test_receipts_are_not_checked(company, books, supplier, admin_user):
    receipt = make_document(
        company, type="receipt", fields={"iban": NEW}, supplier=supplier, project=books["project"]
    )
    assert bank_check(receipt).state == "none"
    assert not any("bank account" in m for m in missing_for_publishing(receipt))


# ------------------------------------------------------------------------------------------- who confirms
def test_the_admin_who_recorded_it_may_not_confirm_it(recorded, admin_user, supplier):
    document = recorded(by=admin_user)
    review = bank_account_review(document, user=admin_user)
    assert not review.can_confirm and review.can_reject
    assert "second admin" in review.refusal
    with pytest.raises(NotPermitted, match="You recorded this invoice"):
        document_bank_account_confirm(document=document, actor=admin_user, iban=NEW)
    assert ContactBankAccount.objects.get(contact=supplier, iban=NEW).status == B.PENDING
    supplier.refresh_from_db()
    assert supplier.iban == ON_FILE


def test_a_member_who_is_not_an_admin_may_not_confirm(recorded, accountant, approver, supplier):
    document = recorded(by=accountant)
    for user in (accountant, approver):
        assert not bank_account_review(document, user=user).can_confirm
        with pytest.raises(NotPermitted, match="admin"):
            document_bank_account_confirm(document=document, actor=user, iban=NEW)


def test_an_admin_of_another_company_may_not_confirm(recorded, other_user):
    document = recorded()
    with pytest.raises(NotPermitted):
        document_bank_account_confirm(document=document, actor=other_user, iban=NEW)


def test_the_admin_who_typed_the_iban_in_may_not_confirm_it(bill, company, admin_user, second_admin):
    document = bill(iban=ON_FILE)
    document_update(document=document, data={"fields": {"iban": NEW}}, actor=second_admin)
    document = document_record(document=document, actor=admin_user)
    with pytest.raises(NotPermitted, match="entered its bank account"):
        document_bank_account_confirm(document=document, actor=second_admin, iban=NEW)
    third = MembershipFactory(company=company, role="admin", user__username="third").user
    document_bank_account_confirm(document=document, actor=third, iban=NEW)


def test_a_second_admin_confirms_it_the_supplier_keeps_the_history_and_publishing_may_go(
    recorded, admin_user, second_admin, supplier, connected
):
    document = recorded(by=admin_user)
    assert bank_account_review(document, user=second_admin).can_confirm

    document_bank_account_confirm(document=document, actor=second_admin, iban="lt60 1010 0123 4567 8901")

    supplier.refresh_from_db()
    assert supplier.iban == NEW  # the current account, sent to Scoro with the contact
    assert supplier.push_state == supplier.PushState.PENDING
    history = {a.iban: a for a in supplier.bank_accounts.all()}
    assert history[NEW].status == B.CONFIRMED and history[NEW].decided_by == second_admin
    assert history[NEW].decided_at is not None
    assert history[ON_FILE].status == B.ON_FILE  # the old account stays in the history
    assert missing_for_publishing(document) == [] and _waiting_message(document) == []
    on_document = AuditEvent.objects.get(target_id=document.pk, verb="confirm_bank_account")
    assert on_document.actor == second_admin and "LT60 1010 0123 4567 8901" in on_document.message
    on_account = AuditEvent.objects.get(target_id=history[NEW].pk, verb="confirm_bank_account")
    assert (on_account.from_state, on_account.to_state) == ("pending", "confirmed")
    assert "was EE38 2200 2210 2014 5685" in on_account.message
    # The old account is still one of the supplier's: an older invoice paid there does not wait.
    assert missing_for_publishing(recorded(iban=ON_FILE, number="INV-0999")) == []


def test_confirming_after_the_iban_changed_is_refused(recorded, second_admin):
    document = recorded()
    with pytest.raises(ValidationFailed, match="look again"):
        document_bank_account_confirm(document=document, actor=second_admin, iban="FI1410093000123458")


def test_nothing_to_confirm_on_a_known_account(recorded, second_admin):
    document = recorded(iban=ON_FILE)
    with pytest.raises(InvalidTransition, match="needs no confirmation"):
        document_bank_account_confirm(document=document, actor=second_admin, iban=ON_FILE)


def test_rejecting_keeps_it_blocked_for_good_and_the_recorder_may_reject(recorded, admin_user, supplier):
    document = recorded(by=admin_user)
    document_bank_account_reject(document=document, actor=admin_user, iban=NEW, reason="Phoned: not theirs")

    row = ContactBankAccount.objects.get(contact=supplier, iban=NEW)
    assert row.status == B.REJECTED and row.decided_by == admin_user
    (missing,) = missing_for_publishing(document)
    assert "was rejected" in missing
    (message,) = _waiting_message(document)
    assert "rejected" in message and "correct the IBAN" in message
    supplier.refresh_from_db()
    assert supplier.iban == ON_FILE
    # Another invoice asking for the same account is blocked as rejected straight away.
    other = recorded(number="INV-2002")
    assert "was rejected" in missing_for_publishing(other)[0]
    with pytest.raises(InvalidTransition, match="rejected already"):
        document_bank_account_reject(document=document, actor=admin_user, iban=NEW)


def test_the_review_answers_nothing_for_a_known_account(recorded, second_admin):
    review = bank_account_review(recorded(iban=ON_FILE), user=second_admin)
    assert review.check.state == "known" and not review.can_confirm and review.refusal == ""


# ------------------------------------------------------------------------------------------- the machine
@pytest.mark.parametrize("event", sorted(BANK_ACCOUNT_MACHINE.transitions))
@pytest.mark.parametrize("state", B.values)
def test_every_event_from_every_state(event, state, company, supplier, admin_user):
    row = ContactBankAccount.objects.create(company=company, contact=supplier, iban=NEW, status=state)
    sources, target = BANK_ACCOUNT_MACHINE.transitions[event]
    if state in sources:
        BANK_ACCOUNT_MACHINE.fire(row, event, actor=admin_user)
        row.refresh_from_db()
        assert row.status == target
        assert AuditEvent.objects.get(target_id=row.pk, verb=event).to_state == target
    else:
        with pytest.raises(InvalidTransition):
            BANK_ACCOUNT_MACHINE.fire(row, event, actor=admin_user)
        row.refresh_from_db()
        assert row.status == state and not AuditEvent.objects.filter(target_id=row.pk).exists()


# ------------------------------------------------------------------------------------------- the contact API
def test_the_contact_api_does_not_replace_an_account_on_file(api_client_for, admin_user, supplier):
    client = api_client_for(admin_user)
    response = client.patch(f"/api/v1/contacts/{supplier.pk}/", {"iban": NEW}, format="json")
    assert response.status_code == 400 and "four eyes" in str(response.json())
    supplier.refresh_from_db()
    assert supplier.iban == ON_FILE
    same = client.patch(
        f"/api/v1/contacts/{supplier.pk}/", {"iban": "EE38 2200 2210 2014 5685"}, format="json"
    )
    assert same.status_code == 200


def test_the_contact_api_may_give_a_contact_its_first_account(api_client_for, admin_user, company):
    contact = ContactFactory(company=company)
    response = api_client_for(admin_user).patch(
        f"/api/v1/contacts/{contact.pk}/", {"iban": NEW}, format="json"
    )
    assert response.status_code == 200


# ------------------------------------------------------------------------------------------- lifecycle
def test_confirming_lets_automatic_publishing_take_the_bills_that_waited_for_that_account(
    recorded, admin_user, second_admin, connected
):
    first = recorded(number="INV-1")
    second = recorded(number="INV-2")  # the same new account, on another bill
    other = recorded(number="INV-3", iban="FI1410093000123458")  # yet another new account
    for bill in (first, second, other):
        assert PublishAttempt.objects.get(document=bill).status == "waiting"

    document_bank_account_confirm(document=first, actor=second_admin, iban=NEW)

    for bill in (first, second):
        bill.refresh_from_db()
        assert bill.status == "queued"
        assert PublishAttempt.objects.get(document=bill).status == "queued"
    other.refresh_from_db()
    assert other.status == "ready"
    assert "FI14 1009 3000 1234 58" in PublishAttempt.objects.get(document=other).waiting_reason


def test_without_automatic_publishing_confirming_queues_nothing(recorded, second_admin, connected):
    connected.auto_publish = False
    connected.save()
    document = recorded()
    document_bank_account_confirm(document=document, actor=second_admin, iban=NEW)
    document.refresh_from_db()
    assert document.status == "ready"
    assert manual_blocker(document=document, connection=connected) is None  # the button is offered
