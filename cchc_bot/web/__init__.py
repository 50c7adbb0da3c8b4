"""HTTP for `cchc-bot run`: the Starlette app (webhooks, /healthz) and its uvicorn server."""

from cchc_bot.web.app import Health, Webhook, create_app
from cchc_bot.web.serve import HttpServer, loop_factory

__all__ = ["Health", "HttpServer", "Webhook", "create_app", "loop_factory"]
