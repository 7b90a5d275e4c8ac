"""Bytes a browser transfers for a page, on a first visit (empty cache) and a repeat visit.

    .venv/bin/python -m benchmarks.page_weight [--url http://127.0.0.1:8000] [--path /]
        [--username bench] [--password bench-only-pass]

Against a server that serves as production does (gunicorn, collected static files by
WhiteNoise: `make run`, or `make serve` with DJANGO_SECURE_COOKIES=0). Chromium (Debian's, at
/usr/bin/chromium) logs in through the form, its cache is cleared, then the page is opened
twice; the bytes are Chrome's own count of what came over the network (headers and compressed
bodies: CDP Network.loadingFinished encodedDataLength), and every response is listed with its
Content-Encoding.
"""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def visit(page, cdp, url: str) -> tuple[int, list[tuple[str, int, str, int]]]:
    """(bytes over the network, [(url, status, content-encoding, bytes)]) of opening `url`."""
    responses: dict[str, dict] = {}

    def on_response(event):
        r = event["response"]
        headers = {k.lower(): v for k, v in r.get("headers", {}).items()}
        responses[event["requestId"]] = {
            "url": r["url"],
            "status": r["status"],
            "encoding": headers.get("content-encoding", ""),
            "cached": r.get("fromDiskCache") or r.get("fromMemoryCache"),
            "bytes": 0,
        }

    def on_finished(event):
        if event["requestId"] in responses:
            responses[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    page.goto(url, wait_until="networkidle")
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    rows = [
        (r["url"], r["status"], r["encoding"] or ("cache" if r["cached"] else "-"), r["bytes"])
        for r in responses.values()
    ]
    return sum(r[3] for r in rows), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--path", default="/")
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="bench-only-pass")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in LOOPBACK:
        parser.error("a server on this machine only")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        page.goto(args.url + "/accounts/login/")
        page.fill("input[name=username]", args.username)
        page.fill("input[name=password]", args.password)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state("networkidle")
        cdp.send("Network.clearBrowserCache")
        for label in ("first visit", "repeat visit"):
            total, rows = visit(page, cdp, args.url + args.path)
            print(f"{label} to {args.path}: {total / 1024:.1f} KB over the network")
            for url, status, encoding, size in sorted(rows, key=lambda r: -r[3]):
                print(f"  {size / 1024:8.1f} KB  {status}  {encoding:<6} {urlsplit(url).path}")
        browser.close()


if __name__ == "__main__":
    main()
