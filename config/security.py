"""How many wrong passwords a client may try.

django-axes counts login failures, told the client's address by
config.middleware.client_address; LoginThrottleHandler gives it two limits: one user name from
one address (a lock the real user, elsewhere, does not share) and one address across every
user name (password spraying).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits, for AXES_LOCKOUT_PARAMETERS
    [["username", "ip_address"], "ip_address"]: AXES_FAILURE_LIMIT failures of one user name
    from one address lock that pair; AXES_ADDRESS_FAILURE_LIMIT failures from one address,
    whatever the user names, lock the address. A successful login clears only its own user
    name's failures, so that an attacker cannot clear an address's count with an account of
    their own."""

    def get_failures(self, request, credentials=None) -> int:
        account, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(account, get_failure_limit(request, credentials))
        return account

    def reset_user_attempts(self, request, credentials=None) -> int:
        account_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _by_model = account_attempts.delete()
        return count
