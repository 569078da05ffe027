"""The subscription feature's pages."""
from .staff_urls import urlpatterns as staff_urlpatterns

urlpatterns = list(staff_urlpatterns)
