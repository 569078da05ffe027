"""Staff pages of subscriptions: everything under ^staff/subscriptions/."""
from django.urls import re_path

from . import staff_views

urlpatterns = [
    re_path(r"^staff/subscriptions/$", staff_views.subscriptions_page,
            name="staff-subscriptions"),
]
