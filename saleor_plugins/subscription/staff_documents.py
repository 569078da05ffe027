"""The GraphQL documents the subscriptions staff page sends (handed to its script in the
page's configuration, so the tests call exactly what the page calls)."""

ERRORS = "subscriptionErrors { field message code }"
SUBSCRIPTION_FIELDS = (
    "id status customerEmail productName variantName sku quantity interval nextDeliveryDate "
    "nextOrderDate pausedUntil billing renewalTotal { amount currency } "
    "shippingAddress { firstName lastName }")


def _change(mutation, arguments, passed, extra=""):
    return (f"mutation({arguments}) {{ {mutation}({passed}) {{ subscription {{ id status }} "
            f"{extra}{ERRORS} }} }}")


DOCUMENTS = {
    "list": "query($filter: ProductSubscriptionFilterInput, $first: Int, $offset: Int) { "
            "productSubscriptions(filter: $filter, first: $first, offset: $offset) { "
            f"{SUBSCRIPTION_FIELDS} }} }}",
    "one": f"query($id: ID!) {{ productSubscription(id: $id) {{ {SUBSCRIPTION_FIELDS} "
           "plan { name } pricingMode deliveriesTotal deliveriesMade "
           "unitPrice { amount currency } renewalUnitPrice { amount currency } "
           "shippingPrice { amount currency } shippingMethodName "
           "shippingAddress { firstName lastName streetAddress1 streetAddress2 postalCode city "
           "country { code } } comment firstOrderId createdAt "
           "renewals { cycle deliveryDate status orderId failedDays retryOn } } }",
    "forecast": "query($start: Date!, $end: Date!) { subscriptionForecast(start: $start, "
                "end: $end) { orderDate deliveryDate cycle amount { amount currency } "
                "subscription { id customerEmail productName variantName sku quantity "
                "shippingAddress { firstName lastName } } } }",
    "picking": "query($d: Date!) { subscriptionPickingList(deliveryDate: $d) { deliveryDate "
               "customers { name email address comments items { sku name quantity sources } } "
               "} }",
    "document": "query($d: Date!, $f: PickingListFormat!) { subscriptionPickingListDocument("
                "deliveryDate: $d, format: $f) { filename contentType contentBase64 } }",
    "plans": "{ subscriptionPlans { id name productId variantId intervals pricingMode "
             "firstOrderDiscount laterOrderDiscount deliveries maxDeliveries isActive } }",
    "products": "query($q: String) { products(first: 20, filter: {search: $q}) { "
                "edges { node { id name } } } }",
    "planCreate": "mutation($input: SubscriptionPlanInput!) { subscriptionPlanCreate("
                  f"input: $input) {{ plan {{ id }} {ERRORS} }} }}",
    "planUpdate": "mutation($id: ID!, $input: SubscriptionPlanInput!) { subscriptionPlanUpdate("
                  f"id: $id, input: $input) {{ plan {{ id }} {ERRORS} }} }}",
    "planDelete": f"mutation($id: ID!) {{ subscriptionPlanDelete(id: $id) {{ ok {ERRORS} }} }}",
    "holidays": "{ subscriptionHolidays { date name } }",
    "holidayAdd": "mutation($date: Date!, $name: String) { subscriptionHolidayAdd(date: $date, "
                  f"name: $name) {{ holiday {{ date }} {ERRORS} }} }}",
    "holidayDelete": "mutation($date: Date!) { subscriptionHolidayDelete(date: $date) { ok "
                     f"{ERRORS} }} }}",
    "pause": _change("productSubscriptionPause", "$id: ID!, $until: Date!",
                     "id: $id, until: $until"),
    "resume": _change("productSubscriptionResume", "$id: ID!", "id: $id"),
    "skip": _change("productSubscriptionSkipNext", "$id: ID!", "id: $id"),
    "renew": _change("productSubscriptionRenewNow", "$id: ID!", "id: $id", "result "),
    "cancel": _change("productSubscriptionCancel", "$id: ID!", "id: $id"),
}
