"""benchmarks/load.py spread over several application servers of one database, as a load
balancer would (round robin, each request to the next server):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/phongtrao_load \\
        .venv/bin/python -m benchmarks.load_servers \\
        --servers http://127.0.0.1:8001,http://127.0.0.1:8002 [--users 50] [--duration 60]

The servers share one DATABASE_URL, DJANGO_SECRET_KEY and DJANGO_CACHE_URL (docs/scaling.md);
every other argument is load.py's, whose rules (loopback only, bounded) apply to each server.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from urllib.parse import urlsplit

from benchmarks import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", required=True, help="comma-separated http://host:port")
    args, rest = parser.parse_known_args()
    urls = [url.strip() for url in args.servers.split(",") if url.strip()]
    targets = [urlsplit(url) for url in urls]
    if not targets or any(
        t.scheme != "http" or t.hostname not in load.LOOPBACK or not t.port for t in targets
    ):
        parser.error(f"http://host:port on this machine ({', '.join(sorted(load.LOOPBACK))})")
    ports = itertools.cycle([t.port for t in targets])

    class RoundRobin(load.Browser):
        def request(self, *arguments, **keywords):
            self.port = next(ports)
            return super().request(*arguments, **keywords)

    load.Browser = RoundRobin
    sys.argv = [sys.argv[0], "--url", urls[0], *rest]
    print(f"servers {', '.join(urls)} (round robin per request)")
    load.main()


if __name__ == "__main__":
    main()
