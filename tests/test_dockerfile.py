"""The container image's settings (no Docker daemon needed): what `cchc-bot run` gets inside it,
and its health check run against a real HTTP server."""

from __future__ import annotations

import json
import os
import posixpath
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cchc_bot.settings import Settings

DOCKERFILE = Path(__file__).resolve().parent.parent / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") and not current:
            continue
        current += line.rstrip("\\").strip() + " " if line.endswith("\\") else line.strip()
        if not line.endswith("\\"):
            if current:
                word, _, rest = current.partition(" ")
                joined.append((word.upper(), rest.strip()))
            current = ""
    return joined


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in instructions():
        if word == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def test_the_image_serves_on_every_interface_as_a_non_root_user(tmp_path: Path) -> None:
    env = image_env()
    # the image's folders exist only inside it: check them against its COPY lines, the rest
    # of the values here (Settings refuses a knowledge folder that is not there)
    workdir = [rest for word, rest in instructions() if word == "WORKDIR"][-1]
    copied = {
        posixpath.normpath(posixpath.join(workdir, rest.split()[-1]))
        for word, rest in instructions()
        if word == "COPY"
    }
    folder = posixpath.join(workdir, env.get("CCHC_KNOWLEDGE_DIR", "knowledge"))
    assert posixpath.normpath(folder) in copied, (folder, copied)
    settings = Settings.load(environ=env, env_file=None, knowledge_dir=tmp_path)
    assert settings.http_host == "0.0.0.0"  # reachable through the published port
    exposed = [rest for word, rest in instructions() if word == "EXPOSE"]
    assert exposed == [str(settings.http_port)]
    users = [rest for word, rest in instructions() if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    commands = [json.loads(rest) for word, rest in instructions() if word == "CMD"]
    assert commands[-1] == ["cchc-bot", "run"]


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # http.server calls it by this name
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_health_check_follows_healthz(health_server: ThreadingHTTPServer) -> None:
    [check] = [rest for word, rest in instructions() if word == "HEALTHCHECK"]
    command = json.loads(check[check.index("CMD") + 3 :].strip())
    assert command[:2] == ["python", "-c"]
    env = {**os.environ, "CCHC_HTTP_PORT": str(health_server.server_address[1])}
    for status, healthy in ((200, True), (503, False)):
        _Health.status = status
        done = subprocess.run(
            [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30, check=False
        )
        assert (done.returncode == 0) is healthy, done.stderr
