"""``manage.py loginbycall_balance``: what is left on the account, in USD and credits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from loginbycall import errors
from loginbycall.django.client import get_client


class Command(BaseCommand):
    help = "Shows the LoginByCall account's balance: paid, spent and left (USD and credits)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            balance = get_client().balance()
        except errors.LoginByCallError as error:
            raise CommandError(f"the service refused: {error} ({error.kind})") from error
        self.stdout.write(f"left:     {balance.current_usd} USD ({balance.current} credits)")
        self.stdout.write(f"paid:     {balance.balance_usd} USD ({balance.balance} credits)")
        self.stdout.write(f"spent:    {balance.consumed_usd} USD ({balance.consumed} credits)")
        if balance.balance_notify_limit >= 0:
            self.stdout.write(
                f"mail below: {balance.balance_notify_limit_usd} USD "
                f"({balance.balance_notify_limit} credits)"
            )
        for payment in balance.last_payments:
            self.stdout.write(
                f"payment {payment.created_at:%Y-%m-%d %H:%M} UTC: {payment.value_usd} USD"
            )
