"""The admin for phone numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from .models import PhoneNumber

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[PhoneNumber]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(PhoneNumber)
class PhoneNumberAdmin(_ModelAdmin):
    """Numbers with their users; searchable by number and user name."""

    list_display = ("number", "user", "verified_at")
    list_select_related = ("user",)
    search_fields = ("number",)
    raw_id_fields = ("user",)
    date_hierarchy = "verified_at"
    ordering = ("number",)
