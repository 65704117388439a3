"""``path("accounts/phone/", include("loginbycall.django.urls"))``: the pages ``loginbycall:phone``,
``loginbycall:code``, ``loginbycall:status``, ``loginbycall:again``, ``loginbycall:add`` and
``loginbycall:numbers``, and the JSON API under ``api/`` (:mod:`loginbycall.django.api`)."""

from __future__ import annotations

from django.urls import include, path

from . import views

app_name = "loginbycall"

urlpatterns = [
    path("", views.PhoneView.as_view(), name="phone"),
    path("code/", views.CodeView.as_view(), name="code"),
    path("status/", views.StatusView.as_view(), name="status"),
    path("again/", views.AgainView.as_view(), name="again"),
    path("add/", views.AddNumberView.as_view(), name="add"),
    path("numbers/", views.NumbersView.as_view(), name="numbers"),
    path("api/", include("loginbycall.django.api_urls")),
]
