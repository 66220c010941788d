"""Render the war room's incident card for the docs: docs/img/war_room_card.png.

    python3 -m uv run --frozen python tools/render_card.py            # writes docs/img/war_room_card.png
    python3 -m uv run --frozen python tools/render_card.py --html x.html --png x.png

The card is the real one: a sample incident is opened through the real IncidentService (on a throw-away
SQLite store), and `incident_card` builds its Block Kit JSON exactly as the war room posts it. That JSON is
then drawn as a simple HTML approximation of Slack's message layout (header, two-column fields, mrkdwn
sections, buttons, divider, context) and screenshotted with Debian's Chromium in headless mode. Only the
drawing is an approximation; every word and link on the picture comes from the blocks.
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalforge_assets.models import Link
from evalforge_assets.recovery.related import RelatedSignature
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.recovery.warroom.cards import CardMessage, incident_card
from evalforge_assets.store.sqlite import SqliteStore
from tests.fixtures.debian_tools import CHROMIUM, ensure_debian_tools

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PNG = ROOT / "docs" / "img" / "war_room_card.png"
API_URL = "https://evalforge.example.com"

# The emoji shortcodes the card uses, drawn with CSS (Debian's Chromium has no colour emoji font by default).
EMOJI = {":red_circle:": '<span class="dot" style="background:#dd2e44"></span>',
         ":large_yellow_circle:": '<span class="dot" style="background:#fdcb58"></span>',
         ":large_green_circle:": '<span class="dot" style="background:#78b159"></span>',
         ":white_check_mark:": '<span class="check">&#10003;</span>',
         ":warning:": '<span class="warn">&#9888;</span>'}
_LINK = re.compile(r"&lt;(https?://[^|&]+)\|(.+?)&gt;")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")


def sample_card() -> CardMessage:
    """The card of a sample checkout incident, opened by a Datadog monitor, with rising signatures and one
    responder of the routing file who is not in Slack."""
    with tempfile.TemporaryDirectory() as scratch:
        times = iter(f"2026-12-01T10:02:{second:02d}.000000Z" for second in range(60))
        incidents = IncidentService(SqliteStore(Path(scratch) / "card.db"), service="checkout",
                                    clock=lambda: next(times))
        reading = SignalReading(error_rate_5m=0.42, p95_latency_ms_5m=1840.0, error_rate_recent=0.5,
                                top_error="POST /checkout 500: PaymentGatewayTimeout after 1.5s")
        links = [Link(label="Datadog monitor alert", url="https://app.datadoghq.com/monitors/4242"),
                 Link(label="Dagster run", url="http://127.0.0.1:3000/runs/7f3c2a10"),
                 Link(label="Datadog APM traces", url="https://app.datadoghq.com/apm/traces?query=service%3Acheckout")]
        incident, _ = incidents.open_or_join(reading, source="datadog_webhook", actor="datadog monitor 4242",
                                             monitor_id="4242", title="checkout: POST /checkout failing",
                                             evidence_links=links)
    related = [RelatedSignature(signature_id="sig_7d1e0c", title="payment_agent: tool call timed out (gateway)",
                                during=37, baseline_per_hour=2.0),
               RelatedSignature(signature_id="sig_a4b912", title="checkout_agent: apology reply without order id",
                                during=11, baseline_per_hour=0.5)]
    return incident_card(incident, related=related, api_url=API_URL,
                         unresolved=["oncall-payments@example.com (no Slack member has this email)"])


def mrkdwn(text: str) -> str:
    """Slack mrkdwn as HTML: links `<url|label>`, *bold*, `code`, emoji shortcodes and line breaks. The card
    escapes user text as &amp; &lt; &gt; already, which is what HTML needs too."""
    out = text.replace("&lt;", "\0lt").replace("&gt;", "\0gt").replace("&amp;", "\0amp")
    out = html.escape(out, quote=False).replace("\0lt", "&lt;").replace("\0gt", "&gt;").replace("\0amp", "&amp;")
    # A link in the card's text is raw `<url|label>`, which html.escape turned into &lt;url|label&gt;.
    out = _LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(2)}</a>', out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _CODE.sub(r"<code>\1</code>", out)
    for code, char in EMOJI.items():
        out = out.replace(code, char)
    return out.replace("\n", "<br>")


def block_html(block: dict[str, Any]) -> str:
    kind = block["type"]
    if kind == "header":
        return f'<div class="header">{html.escape(block["text"]["text"])}</div>'
    if kind == "section":
        parts = []
        if block.get("text"):
            parts.append(f'<div class="text">{mrkdwn(block["text"]["text"])}</div>')
        if block.get("fields"):
            cells = "".join(f'<div class="field">{mrkdwn(f["text"])}</div>' for f in block["fields"])
            parts.append(f'<div class="fields">{cells}</div>')
        return f'<div class="section">{"".join(parts)}</div>'
    if kind == "actions":
        buttons = "".join(f'<a class="button" href="{html.escape(e.get("url", ""))}">'
                          f'{html.escape(e["text"]["text"])}</a>' for e in block["elements"])
        return f'<div class="actions">{buttons}</div>'
    if kind == "divider":
        return '<hr class="divider">'
    if kind == "context":
        return '<div class="context">' + " ".join(mrkdwn(e.get("text", "")) for e in block["elements"]) + "</div>"
    raise ValueError(f"The card has a {kind!r} block this renderer cannot draw; add it to block_html.")


STYLE = """
body { margin: 0; background: #fff; font: 15px/1.46668 -apple-system, "Segoe UI", "DejaVu Sans", Lato, sans-serif;
       color: #1d1c1d; }
.message { display: flex; padding: 16px 20px; width: 740px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff; font-weight: 700;
          display: flex; align-items: center; justify-content: center; margin-right: 10px; flex: none; }
.meta b { font-weight: 900; } .meta .app { background: #e8e8e8; color: #616061; font-size: 10px; padding: 1px 3px;
       border-radius: 2px; margin: 0 4px; } .meta .time { color: #616061; font-size: 12px; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0 4px; }
.section { margin: 6px 0; } .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; }
a { color: #1264a3; text-decoration: none; }
code { color: #e01e5a; background: #f6f6f6; border: 1px solid #e0e0e0; border-radius: 3px; padding: 0 3px;
       font-size: 12px; }
.actions { margin: 10px 0 6px; display: flex; gap: 8px; }
.button { border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; color: #1d1c1d; font-weight: 700;
          font-size: 13px; }
.divider { border: 0; border-top: 1px solid #ddd; margin: 10px 0; }
.context { color: #616061; font-size: 12px; }
.dot { display: inline-block; width: 13px; height: 13px; border-radius: 50%; vertical-align: -1px; }
.check { display: inline-block; width: 15px; height: 15px; border-radius: 3px; background: #78b159; color: #fff;
         font-size: 11px; text-align: center; line-height: 15px; font-weight: 900; }
.warn { color: #e8a200; font-weight: 700; }
"""


def card_html(card: CardMessage) -> str:
    blocks = "".join(block_html(block) for block in card.blocks)
    return (f'<!doctype html><html><head><meta charset="utf-8"><style>{STYLE}</style></head><body>'
            f'<div class="message"><div class="avatar">EF</div><div class="body">'
            f'<div class="meta"><b>Evalforge</b><span class="app">APP</span><span class="time">10:02 AM</span></div>'
            f"{blocks}</div></div></body></html>")


def screenshot(page: Path, png: Path, chromium: str) -> None:
    png.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--force-device-scale-factor=1", "--window-size=780,560", f"--screenshot={png}",
                           page.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not png.exists():
        raise RuntimeError(f"Chromium could not screenshot {page} (exit {done.returncode}):\n{done.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--png", type=Path, default=DEFAULT_PNG, help="where the picture goes")
    parser.add_argument("--html", type=Path, default=None, help="keep the HTML here too (default: a temp file)")
    args = parser.parse_args()
    chromium = ensure_debian_tools([CHROMIUM])[0]
    page_html = card_html(sample_card())
    with tempfile.TemporaryDirectory() as scratch:
        page = args.html or Path(scratch) / "card.html"
        page.write_text(page_html, encoding="utf-8")
        screenshot(page, args.png, chromium)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
