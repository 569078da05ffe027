"""Subscription pages. The customer's self-service page lives outside ^staff/."""
from django.urls import re_path

from . import self_service_view

urlpatterns = [
    re_path(r"^my/subscriptions/$", self_service_view.self_service_page,
            name="subscription-self-service"),
]
