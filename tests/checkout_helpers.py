"""Saleor's storefront checkout through /graphql/, one API for Saleor 2.10.1 and 3.23:
create → addresses → delivery method → payment (the dummy gateway, Saleor's legacy payment
API, which 3.23 still serves) → ``checkoutComplete``.

Only what the Saleor versions force differs, and it is hidden here: 3.23 names the
checkout ``id`` (2.10.1 ``checkoutId``), calls the errors ``errors`` (2.10.1
``checkoutErrors``/``paymentErrors``), needs a ``channel`` in ``checkoutCreate`` and sets
shipping with ``checkoutDeliveryMethodUpdate``. The documents alias 3.23's names to
2.10.1's, so a response reads the same on both (``payload["checkoutErrors"]``) and the
variables are the same (``checkoutId``, ``shippingMethodId``).
"""
from graphene import Node

from saleor_plugins.platform import adapter_name

SALEOR3 = adapter_name() == "saleor3"
_ID = "id" if SALEOR3 else "checkoutId"
_CHECKOUT_ERRORS = "checkoutErrors: errors" if SALEOR3 else "checkoutErrors"
_PAYMENT_ERRORS = "paymentErrors: errors" if SALEOR3 else "paymentErrors"
DUMMY_GATEWAY = "mirumee.payments.dummy"

CHECKOUT_CREATE = f"""
mutation($input: CheckoutCreateInput!) {{
  checkoutCreate(input: $input) {{
    checkout {{ id token totalPrice {{ gross {{ amount currency }} }} }}
    {_CHECKOUT_ERRORS} {{ field message code }}
  }}
}}"""

LINES_ADD = f"""
mutation($checkoutId: ID!, $lines: [CheckoutLineInput!]!) {{
  checkoutLinesAdd({_ID}: $checkoutId, lines: $lines) {{
    checkout {{ totalPrice {{ gross {{ amount }} }} }}
    {_CHECKOUT_ERRORS} {{ field message code }}
  }}
}}"""


def _address_update(kind):
    return f"""
mutation($checkoutId: ID!, $address: AddressInput!) {{
  checkout{kind.title()}AddressUpdate({_ID}: $checkoutId, {kind}Address: $address) {{
    checkout {{ id }}
    {_CHECKOUT_ERRORS} {{ field message code }}
  }}
}}"""


SHIPPING_ADDRESS_UPDATE = _address_update("shipping")
BILLING_ADDRESS_UPDATE = _address_update("billing")

if SALEOR3:
    SHIPPING_UPDATE = f"""
mutation($checkoutId: ID!, $shippingMethodId: ID!) {{
  checkoutShippingMethodUpdate: checkoutDeliveryMethodUpdate(
      id: $checkoutId, deliveryMethodId: $shippingMethodId) {{
    checkout {{ totalPrice {{ gross {{ amount }} }} }}
    {_CHECKOUT_ERRORS} {{ field message code }}
  }}
}}"""
else:
    SHIPPING_UPDATE = """
mutation($checkoutId: ID!, $shippingMethodId: ID!) {
  checkoutShippingMethodUpdate(checkoutId: $checkoutId, shippingMethodId: $shippingMethodId) {
    checkout { totalPrice { gross { amount } } }
    checkoutErrors { field message code }
  }
}"""

PAYMENT_CREATE = f"""
mutation($checkoutId: ID!, $input: PaymentInput!) {{
  checkoutPaymentCreate({_ID}: $checkoutId, input: $input) {{
    payment {{ id chargeStatus }}
    {_PAYMENT_ERRORS} {{ field message code }}
  }}
}}"""

CHECKOUT_COMPLETE = f"""
mutation($checkoutId: ID!) {{
  checkoutComplete({_ID}: $checkoutId) {{
    order {{ id number token total {{ gross {{ amount currency }} }} }}
    {_CHECKOUT_ERRORS} {{ field message code }}
  }}
}}"""

ADDRESS = {
    "firstName": "Kari",
    "lastName": "Nordmann",
    "streetAddress1": "Karl Johans gate 1",
    "city": "Oslo",
    "postalCode": "0154",
    "country": "NO",
    "phone": "+4722334455",
}


def address_input(address) -> dict:
    """``AddressInput`` of a Saleor ``Address`` row."""
    return {
        "firstName": address.first_name, "lastName": address.last_name,
        "companyName": address.company_name, "streetAddress1": address.street_address_1,
        "streetAddress2": address.street_address_2, "city": address.city,
        "postalCode": address.postal_code, "country": str(address.country),
        "phone": str(address.phone or ""),
    }


def first_errors(payload):
    """The first non-empty ``...Errors`` list of a mutation's payload, or []."""
    return next((v for k, v in payload.items() if k.endswith("rrors") and v), [])


def global_id(type_name, pk) -> str:
    return Node.to_global_id(type_name, pk)


def _channel_slug(channel):
    """3.23's checkouts belong to a channel (the shop's default one unless given)."""
    if not SALEOR3:
        return None
    from . import factories

    return (channel or factories.default_channel()).slug


def checkout_input(lines, email="kari@example.com", address=ADDRESS, channel=None) -> dict:
    """``CheckoutCreateInput`` for ``lines`` [(variant, quantity)]; ``address=None``: none
    yet (set later with ``set_addresses``)."""
    data = {
        "email": email,
        "lines": [{"variantId": global_id("ProductVariant", v.pk), "quantity": q}
                  for v, q in lines],
    }
    if address is not None:
        data.update(shippingAddress=address, billingAddress=address)
    slug = _channel_slug(channel)
    if slug:
        data["channel"] = slug
    return data


def create_checkout(client, lines, email="kari@example.com", address=ADDRESS, channel=None):
    """``checkoutCreate``; returns its ``checkout`` (``id``, ``token``, ``totalPrice``)."""
    data = client.data(CHECKOUT_CREATE, {
        "input": checkout_input(lines, email, address, channel)})["checkoutCreate"]
    assert data["checkoutErrors"] == [], data["checkoutErrors"]
    return data["checkout"]


def set_addresses(client, checkout, address=ADDRESS):
    for document, name in ((SHIPPING_ADDRESS_UPDATE, "checkoutShippingAddressUpdate"),
                           (BILLING_ADDRESS_UPDATE, "checkoutBillingAddressUpdate")):
        payload = client.data(document, {"checkoutId": checkout["id"], "address": address})[name]
        assert payload["checkoutErrors"] == [], payload["checkoutErrors"]


def set_delivery_method(client, checkout, shipping_method) -> dict:
    """Shipping by ``shipping_method``; returns the payload (``checkout.totalPrice``)."""
    payload = client.data(SHIPPING_UPDATE, {
        "checkoutId": checkout["id"],
        "shippingMethodId": global_id("ShippingMethod", shipping_method.pk),
    })["checkoutShippingMethodUpdate"]
    assert payload["checkoutErrors"] == [], payload["checkoutErrors"]
    return payload


def pay(client, checkout, amount, gateway=DUMMY_GATEWAY, token="charged") -> dict:
    """``checkoutPaymentCreate`` of ``amount`` (the dummy gateway charges on completion)."""
    payload = client.data(PAYMENT_CREATE, {
        "checkoutId": checkout["id"],
        "input": {"gateway": gateway, "token": token, "amount": amount},
    })["checkoutPaymentCreate"]
    assert payload["paymentErrors"] == [], payload["paymentErrors"]
    return payload["payment"]


def complete(client, checkout) -> dict:
    """``checkoutComplete``'s payload (``order``, ``checkoutErrors``), errors unchecked."""
    return client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]


def complete_checkout_with_dummy_payment(client, lines, shipping_method, email="kari@example.com",
                                         channel=None):
    """The storefront's whole checkout: create, addresses, delivery, pay the total, complete;
    returns the order (``id``, ``number``, ``total``)."""
    checkout = create_checkout(client, lines, email=email, address=None, channel=channel)
    set_addresses(client, checkout)
    amount = set_delivery_method(client, checkout, shipping_method)[
        "checkout"]["totalPrice"]["gross"]["amount"]
    pay(client, checkout, amount)
    completed = complete(client, checkout)
    assert completed["checkoutErrors"] == [], completed["checkoutErrors"]
    return completed["order"]
