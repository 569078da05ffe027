"""The subscription feature's pages: the staff pages (^staff/subscriptions/) and the
customer's self-service page (outside ^staff/)."""
from django.urls import re_path

from . import self_service_view
from .staff_urls import urlpatterns as staff_urlpatterns

urlpatterns = list(staff_urlpatterns) + [
    re_path(r"^my/subscriptions/$", self_service_view.self_service_page,
            name="subscription-self-service"),
]
# the pages the demo lists: (what it is, URL name)
PAGES = [("Subscriptions (staff)", "staff-subscriptions"),
         ("Subscriptions (subscribers' own page)", "subscription-self-service")]
