"""Uses of codes and of rules with a usage limit: reserved before payment, settled with the
order, given back when the order is cancelled or fully refunded.

Every path locks rules by id, then codes by id, then the codes' redemptions, so no two of
them deadlock.
"""
from typing import List

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ..core import checkout_completion
from .codes import is_per_customer
from .models import CheckoutCode, CodeRedemption, DiscountCode, DiscountRule, OrderRule, RuleUse

OPEN_RULE_USES = "discount_rules_open_rule_uses"
checkout_completion.ask_when_claimed(
    OPEN_RULE_USES, f"EXISTS (SELECT 1 FROM {RuleUse._meta.db_table} "
    f"WHERE checkout_token = %s AND order_id IS NULL)")


def lock_for_completion(checkout) -> None:
    """Before a completion evaluates the rules it charges for: lock the rules with a usage
    limit, then the codes entered on the checkout (the order every path locks them in).
    The evaluation that fixes the order's price and the uses it reserves then see the same
    uses by other checkouts: one completing at the same moment either reserved its use
    before (this one's offer changes and it is refused) or waits for this one."""
    list(DiscountRule.objects.select_for_update().filter(usage_limit__isnull=False)
         .order_by("pk").values_list("pk", flat=True))
    code_ids = list(CheckoutCode.objects.filter(checkout_token=checkout.token)
                    .values_list("code_id", flat=True))
    if code_ids:
        list(DiscountCode.objects.select_for_update().filter(pk__in=code_ids)
             .order_by("pk").values_list("pk", flat=True))


def reserve_uses(checkout, evaluation) -> None:
    """Before payment: take this checkout's uses of limited rules and codes, or refuse."""
    reserve_rule_uses(checkout, evaluation)
    reserve_codes(checkout, evaluation)


def reserve_rule_uses(checkout, evaluation) -> None:
    """A rule with a usage limit: its row is locked while the orders made and the uses
    reserved by other checkouts are counted, so the last use goes to one checkout only."""
    from saleor.checkout.error_codes import CheckoutErrorCode

    applied_ids = [applied.rule.id for applied in evaluation.applied]
    # the completion's claim asked (under its lock) whether the checkout holds any
    if checkout_completion.answer(checkout, OPEN_RULE_USES) is not False:
        own = RuleUse.objects.filter(checkout_token=checkout.token, order__isnull=True)
        own.exclude(rule_id__in=applied_ids).delete()  # the cart no longer gets these rules
    # the request's rules say which have a limit: without one applied, nothing to lock
    limited_ids = [applied.rule.id for applied in evaluation.applied if applied.rule.usage_limited]
    if not limited_ids:
        return
    limited = DiscountRule.objects.select_for_update().filter(
        pk__in=limited_ids, usage_limit__isnull=False).order_by("pk")  # one lock order
    for rule in limited:
        reserved = rule.uses.filter(order__isnull=True).exclude(
            checkout_token=checkout.token).count()
        if rule.used_count + reserved >= rule.usage_limit:
            raise ValidationError(
                _("The offer %(name)s has run out.") % {"name": rule.name},
                code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
            )
        RuleUse.objects.get_or_create(rule=rule, checkout_token=checkout.token)


def reserve_codes(checkout, evaluation) -> None:
    """Take this checkout's uses of the codes it applies, or refuse."""
    from saleor.checkout.error_codes import CheckoutErrorCode

    for applied in evaluation.applied:
        if not applied.code_id:
            continue
        code = DiscountCode.objects.select_for_update().get(pk=applied.code_id)
        other_uses = code.redemptions.exclude(checkout_token=checkout.token).count()
        if code.max_uses is not None and other_uses >= code.max_uses:
            raise ValidationError(
                _("The code %(code)s has been used up.") % {"code": code.code},
                code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
            )
        try:
            with transaction.atomic():
                CodeRedemption.objects.get_or_create(
                    code=code, checkout_token=checkout.token,
                    defaults={"user_id": checkout.user_id,
                              "per_customer": is_per_customer(code) or bool(
                                  applied.rule.single_use_code)},
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already used the code %(code)s.") % {"code": code.code},
                code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
            )


def settle_uses(order, checkout_token, rule_ids) -> None:
    """The applied rules count one use more, the checkout's reserved rule and code uses get
    the order, their codes count one use more, and the entered codes go.

    This runs after the charge, so it must not deadlock: rows are locked in the order
    ``reserve_uses`` locks them before payment, rules by id, then codes by id, then the
    codes' redemptions (a checkout reserving the same code holds the code's lock and waits
    for a redemption; updating that redemption first, as one statement did, deadlocked).
    One round trip for the three statements."""
    rules_table, codes_table = DiscountRule._meta.db_table, DiscountCode._meta.db_table
    redemptions_table = CodeRedemption._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {rules_table} SET used_count = used_count + 1 WHERE id IN ("
            f"SELECT id FROM {rules_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE); "
            f"SELECT id FROM {codes_table} WHERE id IN (SELECT code_id FROM {redemptions_table} "
            f"WHERE checkout_token = %s AND order_id IS NULL) ORDER BY id FOR UPDATE; "
            f"WITH rule_uses AS (UPDATE {RuleUse._meta.db_table} SET order_id = %s "
            f"WHERE checkout_token = %s AND order_id IS NULL), "
            f"redeemed AS (UPDATE {redemptions_table} SET order_id = %s "
            f"WHERE checkout_token = %s AND order_id IS NULL RETURNING code_id), "
            f"counted AS (UPDATE {codes_table} "
            f"SET used_count = used_count + 1 WHERE id IN (SELECT code_id FROM redeemed)) "
            f"DELETE FROM {CheckoutCode._meta.db_table} WHERE checkout_token = %s",
            [list(rule_ids), checkout_token,
             order.pk, checkout_token, order.pk, checkout_token, checkout_token],
        )


# --- giving uses back ------------------------------------------------------------------

def paid_amount_sql(order_column: str) -> str:
    """SQL for the money an order holds from its payments: captured (Saleor lowers it by
    refunds) or, for an active payment only authorized so far, its authorized total."""
    from saleor.payment import ChargeStatus, TransactionKind
    from saleor.payment.models import Payment, Transaction

    charged = ", ".join(f"'{status}'" for status in (
        ChargeStatus.PARTIALLY_CHARGED, ChargeStatus.FULLY_CHARGED,
        ChargeStatus.PARTIALLY_REFUNDED))
    payments, transactions = Payment._meta.db_table, Transaction._meta.db_table
    return (
        f"(SELECT COALESCE(SUM(CASE WHEN p.charge_status IN ({charged}) THEN p.captured_amount "
        f"WHEN p.charge_status = '{ChargeStatus.NOT_CHARGED}' AND p.is_active AND EXISTS ("
        f"SELECT 1 FROM {transactions} t WHERE t.payment_id = p.id "
        f"AND t.kind = '{TransactionKind.AUTH}' AND t.is_success) THEN p.total "
        f"ELSE 0 END), 0) FROM {payments} p WHERE p.order_id = {order_column})"
    )


def gives_uses_back(order) -> bool:
    """A cancelled order, or one whose money was refunded in full."""
    from saleor.order import OrderStatus
    from saleor.payment import ChargeStatus

    if order.status == OrderStatus.CANCELED:
        return True
    if not order.payments.filter(charge_status=ChargeStatus.FULLY_REFUNDED).exists():
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {paid_amount_sql('%s')}", [order.pk])
        return not cursor.fetchone()[0]


def return_uses(order) -> List[int]:
    """Give the order's code uses and rule uses back, once (returns the rules' ids).

    The order's recorded rules are marked first: a second call, or a concurrent one that
    waited for this one's row locks, finds nothing left to give back."""
    rules_table, codes_table = DiscountRule._meta.db_table, DiscountCode._meta.db_table
    redemptions_table = CodeRedemption._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {OrderRule._meta.db_table} SET uses_returned = true "
            f"WHERE order_id = %s AND NOT uses_returned RETURNING rule_id", [order.pk])
        rows = cursor.fetchall()
        if not rows:
            return []
        rule_ids = sorted({row[0] for row in rows if row[0] is not None})
        cursor.execute(
            f"UPDATE {rules_table} SET used_count = GREATEST(used_count - 1, 0) WHERE id IN ("
            f"SELECT id FROM {rules_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE); "
            f"SELECT id FROM {codes_table} WHERE id IN (SELECT code_id FROM {redemptions_table} "
            f"WHERE order_id = %s) ORDER BY id FOR UPDATE; "
            f"WITH released AS (DELETE FROM {redemptions_table} WHERE order_id = %s "
            f"RETURNING code_id), "
            f"uncounted AS (UPDATE {codes_table} SET used_count = GREATEST(used_count - 1, 0) "
            f"WHERE id IN (SELECT code_id FROM released)) "
            f"DELETE FROM {RuleUse._meta.db_table} WHERE order_id = %s",
            [rule_ids, order.pk, order.pk, order.pk],
        )
    return rule_ids
