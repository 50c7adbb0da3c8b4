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
ENV CCHC_KNOWLEDGE_DIR=/app/knowledge \
    CCHC_DATABASE_URL=sqlite:////app/data/cchc.db
VOLUME ["/app/data"]
EXPOSE 8080
CMD ["cchc-bot", "run"]
