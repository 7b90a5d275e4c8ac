"""Copy plotly.js from the installed plotly wheel into static/vendor/plotly/, with its CSS.

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
from pathlib import Path

import plotly
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
TARGET_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
ASSETS_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "reports" / "_chart_assets.html"

# The rules object of plotly.js's build/plotcss.js: {"X,X div": "…", …, Y: "…", …}; then a
# loop replaces X and Y by the real selector prefixes.
_OBJECT = re.compile(r"=(\{\"X,X div\":.*?\});for\(")
_STRING = r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'"
_ENTRY = re.compile(rf"(?:{_STRING}|([A-Za-z_]\w*))\s*:\s*(?:{_STRING})")


def plotly_js_version(text: str) -> str | None:
    """'3.7.0' from the banner of plotly.min.js."""
    match = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:500])
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
    help = "Chép plotly.js (và CSS của nó) từ gói plotly đã cài vào static/vendor/plotly/."

    def handle(self, *args, **options):
        text = SOURCE.read_text(encoding="utf-8")
        TARGET_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE, TARGET_DIR / "plotly.min.js")
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
