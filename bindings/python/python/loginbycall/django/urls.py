"""``path("accounts/phone/", include("loginbycall.django.urls"))``: the URL names
``loginbycall:phone``, ``loginbycall:code``, ``loginbycall:status``, ``loginbycall:again`` and
``loginbycall:add``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "loginbycall"

urlpatterns = [
    path("", views.PhoneView.as_view(), name="phone"),
    path("code/", views.CodeView.as_view(), name="code"),
    path("status/", views.StatusView.as_view(), name="status"),
    path("again/", views.AgainView.as_view(), name="again"),
    path("add/", views.AddNumberView.as_view(), name="add"),
]
