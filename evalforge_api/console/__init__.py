"""The web console: server-rendered pages over the same services, store and auth as the API, at `/`.

Pages are Jinja2 templates (autoescaped) with one CSS file and a little plain JavaScript; nothing is built.
`install_console` mounts the static files, the page routers and the handler that answers 401/403 with a page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from evalforge_api.console import actions, detail, exports_page, health_page, incidents, queue, session
from evalforge_api.console.pages import ConsolePageError, page_error_handler

STATIC_DIR = Path(__file__).with_name("static")

# Every page router of the console; a new page adds its router here.
PAGE_ROUTERS: list[APIRouter] = [session.router, queue.router, detail.router, actions.router, exports_page.router,
                                 incidents.router, health_page.router]


def install_console(app: FastAPI) -> None:
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    app.add_exception_handler(ConsolePageError, page_error_handler)
    for router in PAGE_ROUTERS:
        app.include_router(router)
