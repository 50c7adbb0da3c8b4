.PHONY: check lint format kb test bench

PY ?= python

check: lint kb test

lint:
	ruff check .
	ruff format --check .

format:
	ruff check --fix .
	ruff format .

kb:
	cchc-bot kb check knowledge --strict

test:
	pytest

bench:
	$(PY) benchmarks/accuracy.py --sweep
	$(PY) benchmarks/latency.py
