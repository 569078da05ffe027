from graphene import Node

CHECKOUT_CREATE = """
mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id token totalPrice { gross { amount currency } } }
    checkoutErrors { field message code }
  }
}"""

LINES_ADD = """
mutation($checkoutId: ID!, $lines: [CheckoutLineInput]!) {
  checkoutLinesAdd(checkoutId: $checkoutId, lines: $lines) {
    checkout { totalPrice { gross { amount } } }
    checkoutErrors { field message code }
  }
}"""

SHIPPING_UPDATE = """
mutation($checkoutId: ID!, $shippingMethodId: ID!) {
  checkoutShippingMethodUpdate(checkoutId: $checkoutId, shippingMethodId: $shippingMethodId) {
    checkout { totalPrice { gross { amount } } }
    checkoutErrors { field message code }
  }
}"""

PAYMENT_CREATE = """
mutation($checkoutId: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(checkoutId: $checkoutId, input: $input) {
    payment { id chargeStatus }
    paymentErrors { field message code }
  }
}"""

CHECKOUT_COMPLETE = """
mutation($checkoutId: ID!) {
  checkoutComplete(checkoutId: $checkoutId) {
    order { id number token total { gross { amount currency } } }
    checkoutErrors { field message code }
  }
}"""

ADDRESS = {
    "firstName": "Kari",
    "lastName": "Nordmann",
    "streetAddress1": "Karl Johans gate 1",
    "city": "Oslo",
    "postalCode": "0154",
    "country": "NO",
    "phone": "+4722334455",
}


def first_errors(payload):
    """The first non-empty ``...Errors`` list of a mutation's payload, or []."""
    return next((v for k, v in payload.items() if k.endswith("rrors") and v), [])


def create_checkout(client, lines, email="kari@example.com"):
    data = client.data(
        CHECKOUT_CREATE,
        {
            "input": {
                "email": email,
                "lines": [
                    {"variantId": Node.to_global_id("ProductVariant", v.pk), "quantity": q}
                    for v, q in lines
                ],
                "shippingAddress": ADDRESS,
                "billingAddress": ADDRESS,
            }
        },
    )["checkoutCreate"]
    assert data["checkoutErrors"] == []
    return data["checkout"]


def complete_checkout_with_dummy_payment(client, lines, shipping_method):
    checkout = create_checkout(client, lines)
    shipping = client.data(
        SHIPPING_UPDATE,
        {
            "checkoutId": checkout["id"],
            "shippingMethodId": Node.to_global_id("ShippingMethod", shipping_method.pk),
        },
    )["checkoutShippingMethodUpdate"]
    assert shipping["checkoutErrors"] == []
    amount = shipping["checkout"]["totalPrice"]["gross"]["amount"]
    payment = client.data(
        PAYMENT_CREATE,
        {
            "checkoutId": checkout["id"],
            "input": {"gateway": "mirumee.payments.dummy", "token": "charged", "amount": amount},
        },
    )["checkoutPaymentCreate"]
    assert payment["paymentErrors"] == []
    completed = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]
    assert completed["checkoutErrors"] == []
    return completed["order"]
