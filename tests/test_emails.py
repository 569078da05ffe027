"""Saleor's own e-mails render with the package's templates (the wheel ships none)."""
import pytest
from django.core import mail
from saleor.account import emails as account_emails
from saleor.account.models import StaffNotificationRecipient
from saleor.order import emails as order_emails

from . import factories

REDIRECT = "https://shop.example.com/account/"


def assert_clean(message):
    text = message.subject + message.body + "".join(alt[0] for alt in message.alternatives)
    assert message.subject.strip()
    assert "MISSING VARIABLE" not in text
    assert "None" not in text
    assert any(alt[1] == "text/html" for alt in message.alternatives)
    assert message.from_email == "Fjordbutikken <post@shop.example.com>"


@pytest.fixture
def order(shop, customer):
    order = factories.create_order(customer, [(shop.coffee, 2), (shop.mug, 1)], shipping_price="49.00")
    order.customer_note = "Ring på døren"
    order.save()
    return order


def test_order_confirmation_lists_lines_totals_and_addresses(order):
    order_emails.send_order_confirmation(order.pk, "https://shop.example.com/order/")
    [message] = mail.outbox
    assert message.to == [order.user_email]
    assert_clean(message)
    assert str(order.pk) in message.subject
    for expected in ("Kaffe Fjell", "KAFFE-1", "Krus", "Karl Johans gate 1", "Ring på døren"):
        assert expected in message.body
    assert "347" in message.body  # 2 × 129.00 + 89.50 + 49.00 shipping = 396.50; subtotal 347.50
    assert "396" in message.body
    assert f"token={order.token}" in message.body


@pytest.mark.parametrize("language", ["nb", "sv", "da", "de"])
def test_order_confirmation_is_written_in_the_order_language(order, language):
    order_emails.send_order_confirmation(order.pk, "")
    order.language_code = language
    order.save()
    order_emails.send_order_confirmation(order.pk, "")
    english, translated = mail.outbox
    assert_clean(translated)
    assert translated.subject != english.subject
    assert translated.body != english.body


def test_staff_get_the_new_order_notification(order):
    staff = factories.create_staff("lager@shop.example.com")
    StaffNotificationRecipient.objects.create(user=staff)
    order_emails.send_staff_order_confirmation(order.pk, "")
    [message] = mail.outbox
    assert message.to == ["lager@shop.example.com"]
    assert_clean(message)
    assert "Kaffe Fjell" in message.body


def test_payment_confirmation(order):
    order_emails.send_payment_confirmation(order.pk)
    [message] = mail.outbox
    assert_clean(message)
    assert str(order.pk) in message.subject + message.body


@pytest.mark.parametrize("sender", ["send_fulfillment_confirmation", "send_fulfillment_update"])
def test_fulfillment_emails(order, sender):
    fulfillment = order.fulfillments.create(tracking_number="NO123456789")
    for line in order.lines.all():
        fulfillment.lines.create(order_line=line, quantity=line.quantity)
    getattr(order_emails, sender)(order.pk, fulfillment.pk)
    [message] = mail.outbox
    assert_clean(message)
    assert "NO123456789" in message.body
    assert "Kaffe Fjell" in message.body


@pytest.mark.parametrize(
    "send, expected_link_part",
    [
        (lambda user: account_emails.send_account_confirmation_email(user, REDIRECT), "token="),
        (lambda user: account_emails.send_user_password_reset_email_with_url(REDIRECT, user), "token="),
        (lambda user: account_emails.send_account_delete_confirmation_email_with_url(REDIRECT, user), "token="),
        (lambda user: account_emails.send_set_password_email_with_url(REDIRECT, user), "token="),
        (lambda user: account_emails.send_set_password_email_with_url(REDIRECT, user, staff=True), "token="),
        (lambda user: account_emails.send_user_change_email_url(REDIRECT, user, "new@example.com", "tok"), "token="),
    ],
)
def test_account_emails_carry_their_link(customer, send, expected_link_part):
    send(customer)
    [message] = mail.outbox
    assert_clean(message)
    assert "https://shop.example.com/account/?" in message.body
    assert expected_link_part in message.body


def test_email_changed_notification(customer):
    account_emails.send_user_change_email_notification(customer.email)
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert_clean(message)


SUBJECT_WORD = {"nb": "bestillingen", "sv": "beställning", "da": "ordre", "de": "Bestellung"}


@pytest.mark.parametrize("language", sorted(SUBJECT_WORD))
def test_subject_is_in_the_language_itself(order, language):
    order.language_code = language
    order.save()
    order_emails.send_order_confirmation(order.pk, "")
    assert SUBJECT_WORD[language] in mail.outbox[0].subject


@pytest.mark.parametrize("language", ["nb", "sv", "da", "de"])
def test_every_message_is_translated_and_compiled(language):
    import gettext
    from pathlib import Path

    from babel.messages.pofile import read_po

    directory = Path(__file__).resolve().parent.parent / "saleor_plugins" / "locale" / language / "LC_MESSAGES"
    with (directory / "django.po").open("rb") as po_file:
        catalog = read_po(po_file)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    compiled = gettext.GNUTranslations((directory / "django.mo").open("rb"))
    for message in catalog:
        if message.id:
            assert compiled.gettext(message.id) == message.string, "run scripts/compile_messages.py"
