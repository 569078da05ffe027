"""What the staff page looks up: customers by e-mail or name, products by name or SKU, a
customer's orders. Staff with only MANAGE_LOYALTY cannot use Saleor's own searches (those
need MANAGE_USERS or MANAGE_PRODUCTS), so the package answers these with the loyalty
permission."""
from django.db.models import Q

MIN_SEARCH = 2
MAX_RESULTS = 50
MAX_WORDS = 4


class SearchError(Exception):
    pass


def search_words(text: str):
    """The words of a search (at most ``MAX_WORDS``); ``SearchError`` when too short."""
    words = " ".join((text or "").split())[:100]
    if len(words.replace(" ", "")) < MIN_SEARCH:
        raise SearchError(words)
    return words.split()[:MAX_WORDS]


def limited(first) -> int:
    return max(1, min(first or 20, MAX_RESULTS))


def find_customers(text: str, first=20):
    """Active customer accounts (never staff) whose e-mail or name holds every word."""
    from saleor.account.models import User

    condition = Q()
    for word in search_words(text):
        condition &= (Q(email__icontains=word) | Q(first_name__icontains=word)
                      | Q(last_name__icontains=word))
    customers = User.objects.filter(condition, is_active=True, is_staff=False).select_related(
        "loyalty_account").order_by("email", "pk")
    return list(customers[:limited(first)])


def find_products(text: str, first=20):
    """Products whose name holds every word, or with a variant whose SKU starts with one."""
    from saleor.product.models import Product

    condition = Q()
    for word in search_words(text):
        condition &= Q(name__icontains=word) | Q(variants__sku__istartswith=word)
    matches = Product.objects.filter(condition).values_list("pk", flat=True)
    return list(Product.objects.filter(pk__in=matches).order_by("name", "pk")[:limited(first)])


def customer_orders(user, first=10, offset=0):
    """The customer's placed orders, newest first (drafts are not orders yet)."""
    from saleor.order import OrderStatus
    from saleor.order.models import Order

    first = max(0, min(first, 100))
    offset = max(offset, 0)
    orders = Order.objects.filter(user_id=user.pk).exclude(status=OrderStatus.DRAFT)
    return list(orders.order_by("-created", "-pk")[offset:offset + first])
