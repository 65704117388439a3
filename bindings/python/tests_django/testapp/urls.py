from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def home(request: HttpRequest) -> HttpResponse:
    who = request.user.get_username() if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"home: {who}")


def password_login(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the password login")


urlpatterns = [
    path("", home, name="home"),
    path("private/", home, name="private"),
    path("password/", password_login, name="password-login"),
    path("accounts/phone/", include("loginbycall.django.urls")),
    path("admin/", admin.site.urls),
]
