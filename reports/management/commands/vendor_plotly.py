"""Vendor plotly.js into static/vendor/plotly/, in step with the installed plotly wheel: its
partial "cartesian" bundle (bar, scatter, heatmap and a few more trace types: about a third of
the full bundle the wheel carries) and plotly's CSS.

Run at development time (it needs npm and the npm registry; nothing is fetched when the site
runs): `npm pack` fetches `plotly.js-cartesian-dist-min` at the version of the plotly.js inside
the wheel (read from its banner), and the files are committed. plotly's own "vi" locale holds
date formats only, which the charts do not show: static/js/charts.js registers the Vietnamese
words and number format itself. Trace types that
reports/charts/ draws must be in the bundle (TRACES; a test checks both).

plotly.js injects CSS into <style> elements when it loads, which a strict
Content-Security-Policy (style-src 'self') refuses, with a console error. Two sets of rules:
- plotly's own (build/plotcss.js): skipped when the page already has an element with id
  "plotly.js-style-global" and class "no-inline-styles";
- the bundled MapLibre's (map traces, which the dashboards do not draw): skipped when an
  element with its id (a hash that changes with each release) exists.
plotly's rules are extracted here into plotly.css, and templates/reports/_chart_assets.html
(written by this command) links them and holds a placeholder with MapLibre's id. Run again
after upgrading plotly; a test checks that the committed copy matches the installed wheel.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import plotly
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
BUNDLE = "plotly-cartesian.min.js"
BUNDLE_PACKAGE = "plotly.js-cartesian-dist-min"
# The trace types reports/charts/ draws; the bundle must register each.
TRACES = ("bar", "scatter", "heatmap")
TARGET_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
ASSETS_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "reports" / "_chart_assets.html"

# The rules object of plotly.js's build/plotcss.js: {"X,X div": "…", …, Y: "…", …}; then a
# loop replaces X and Y by the real selector prefixes.
_OBJECT = re.compile(r"=(\{\"X,X div\":.*?\});for\(")
_STRING = r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'"
_ENTRY = re.compile(rf"(?:{_STRING}|([A-Za-z_]\w*))\s*:\s*(?:{_STRING})")


def plotly_js_version(text: str) -> str | None:
    """'3.7.0' from the banner of plotly.min.js or of a partial bundle ("plotly.js (cartesian -
    minified) v3.7.0")."""
    match = re.search(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)", text[:500])
    return match.group(1) if match else None


_MAPLIBRE = re.compile(
    r'getElementById\("([0-9a-f]{64})"\)\)\{var (\w+)=document\.createElement\("style"\);'
    r"\2\.id=\"\1\",\2\.textContent=`(.*?)`,document\.head\.appendChild",
    re.DOTALL,
)


def extract_injected_css(text: str) -> tuple[str, str]:
    """(element id, CSS) of the stylesheet plotly.js's MapLibre injects unless the id exists."""
    match = _MAPLIBRE.search(text)
    if match is None:
        raise CommandError("Không tìm thấy CSS của MapLibre trong plotly.min.js.")
    return match.group(1), match.group(3).strip() + "\n"


ASSETS = """{{% load static %}}{{% comment %}}Written by `manage.py vendor_plotly` for plotly.js
v{version}. With these ids (and the class) plotly.js injects no style elements (CSP).
{{% endcomment %}}
<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" \
href="{{% static 'vendor/plotly/plotly.css' %}}">
<meta name="plotly-maplibre-css" content="not used: no map charts" id="{maplibre_id}">
"""


def bundle_traces(text: str) -> set[str]:
    """The trace types a plotly.js bundle registers."""
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))


def npm_file(package: str, version: str, member: str, folder: Path) -> str:
    """The text of `member` (a path inside the package) of `package`@`version`, by npm pack."""
    if shutil.which("npm") is None:
        raise CommandError("Cần npm (chỉ khi cập nhật plotly.js, không cần khi chạy trang).")
    result = subprocess.run(
        ["npm", "pack", "--silent", f"{package}@{version}"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"npm pack {package}@{version}: {result.stderr.strip()}")
    with tarfile.open(folder / result.stdout.strip().splitlines()[-1]) as archive:
        return archive.extractfile(f"package/{member}").read().decode("utf-8")


def extract_css(text: str) -> str:
    """plotly.js's own CSS rules as a stylesheet."""
    match = _OBJECT.search(text)
    if match is None:
        raise CommandError("Không tìm thấy bảng CSS trong plotly.min.js (phiên bản mới?).")
    rules = []
    for entry in _ENTRY.finditer(match.group(1)):
        key = entry.group(1) or entry.group(2) or entry.group(3) or ""
        value = entry.group(4) if entry.group(4) is not None else entry.group(5)
        selector = (
            key.replace(",", " ,", 1 if key.startswith(",") else 0)
            .replace("X", ".js-plotly-plot .plotly")
            .replace("Y", ".plotly-notifier")
        )
        rules.append(f"{selector}{{{value}}}")
    if len(rules) < 20:
        raise CommandError("Bảng CSS của plotly.js có ít quy tắc bất thường.")
    return "\n".join(rules) + "\n"


class Command(BaseCommand):
    help = (
        "Lấy bản plotly.js rút gọn (cartesian) và CSS của nó, cùng phiên bản "
        "với gói plotly đã cài, vào static/vendor/plotly/ (cần npm)."
    )

    def handle(self, *args, **options):
        version = plotly_js_version(SOURCE.read_text(encoding="utf-8"))
        if version is None:
            raise CommandError("Không đọc được phiên bản plotly.js trong gói plotly.")
        with tempfile.TemporaryDirectory() as folder:
            text = npm_file(BUNDLE_PACKAGE, version, BUNDLE, Path(folder))
        if plotly_js_version(text) != version:
            raise CommandError(f"{BUNDLE_PACKAGE}: phiên bản khác {version}.")
        missing = set(TRACES) - bundle_traces(text)
        if missing:
            raise CommandError(f"Bản rút gọn thiếu loại biểu đồ: {', '.join(sorted(missing))}.")
        TARGET_DIR.mkdir(parents=True, exist_ok=True)
        (TARGET_DIR / "plotly.min.js").unlink(missing_ok=True)  # the full bundle, no more
        (TARGET_DIR / BUNDLE).write_text(text, encoding="utf-8")
        (TARGET_DIR / "plotly.css").write_text(
            f"/* plotly.js v{plotly_js_version(text)}: rules extracted by vendor_plotly */\n"
            + extract_css(text),
            encoding="utf-8",
        )
        maplibre_id, _css = extract_injected_css(text)
        ASSETS_TEMPLATE.write_text(
            ASSETS.format(version=plotly_js_version(text), maplibre_id=maplibre_id),
            encoding="utf-8",
        )
        self.stdout.write(f"plotly.js v{plotly_js_version(text)} → {TARGET_DIR}")
