"""The demo's URLs: the package's (Saleor's with the extended /graphql/) and, where the
platform has it, Saleor's dashboard under /dashboard/."""
from django.urls import re_path

from ..platform import saleor
from ..urls import urlpatterns as package_urlpatterns
from . import dashboard

urlpatterns = list(package_urlpatterns)
if saleor.demo.DASHBOARD:
    urlpatterns.insert(0, re_path(r"^dashboard/(?P<path>.*)$", dashboard.view, name="demo-dashboard"))
