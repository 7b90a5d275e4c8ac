"""Who is at the other end of a request, and how many wrong passwords they may try.

django-axes counts login failures; here it is told the client's address (client_address) and
given two limits (LoginThrottleHandler): one user name from one address (a lock the real user,
elsewhere, does not share) and one address across every user name (password spraying).
"""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def client_address(request) -> str:
    """REMOTE_ADDR; behind PROXY_COUNT declared proxies (DJANGO_PROXY_COUNT), the address the
    outermost of them saw, which it appended to X-Forwarded-For: the PROXY_COUNT-th entry from
    the right. Anything further left was written by the client and is never believed; a
    request with fewer entries did not pass through the proxies and keeps REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


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
