"""The home page: a greeting for the logged-in user, else a link to the phone login."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    numbers = request.user.phone_numbers.all() if request.user.is_authenticated else []
    return render(request, "home.html", {"numbers": numbers})
