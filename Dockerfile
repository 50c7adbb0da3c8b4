# cchc-bot server image: `cchc-bot run` as an unprivileged user.
# Builds with nothing but the Python package registry (no other downloads).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 cchc
WORKDIR /app

COPY pyproject.toml README.md ./
COPY cchc_bot ./cchc_bot
RUN pip install .

COPY knowledge ./knowledge
RUN mkdir -p /app/data && chown -R cchc:cchc /app/data

USER cchc
# Inside a container the server must listen on every interface (the default, 127.0.0.1,
# would only be reachable from inside it): webhooks arrive through the published port.
ENV CCHC_KNOWLEDGE_DIR=/app/knowledge \
    CCHC_DATABASE_URL=sqlite:////app/data/cchc.db \
    CCHC_HTTP_HOST=0.0.0.0 \
    CCHC_HTTP_PORT=8080
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('CCHC_HTTP_PORT', '8080')}/healthz\", timeout=4)"]
CMD ["cchc-bot", "run"]
