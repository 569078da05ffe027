"""The loyalty staff page."""
from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^staff/loyalty/$", views.staff_page, name="loyalty-staff-page"),
]
