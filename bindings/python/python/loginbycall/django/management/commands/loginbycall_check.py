"""``manage.py loginbycall_check``: the credentials work and the service places calls."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from loginbycall import errors
from loginbycall.django.client import get_client


class Command(BaseCommand):
    help = "Checks the LoginByCall credentials (status) and whether calls can be placed now."

    def handle(self, *args: Any, **options: Any) -> None:
        client = get_client()
        try:
            account = client.status()
            # status and server_status are unsigned: a signed method proves the key.
            balance = client.balance()
            server = client.server_status()
        except errors.LoginByCallError as error:
            raise CommandError(f"the service refused the check: {error} ({error.kind})") from error
        self.stdout.write(f"service: {client.base_url}")
        self.stdout.write(f"account: {client.call_api_id}")
        self.stdout.write(
            f"activated: {'yes' if account.activated else 'no'}, "
            f"blocked: {'yes' if account.blocked else 'no'}"
        )
        self.stdout.write(f"key: accepted (balance {balance.current_usd} USD)")
        self.stdout.write(
            f"server status: {server.server_status} "
            f"({'calls are placed' if server.is_working else 'calls are not placed now'})"
        )
        problems = []
        if not account.activated:
            problems.append("the account is not activated")
        if account.blocked:
            problems.append("the account is blocked")
        if not server.is_working:
            problems.append("the service places no calls now")
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(self.style.SUCCESS("ok: logins by call work"))
