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
	# errors fail; warnings (e.g. next year's Tết holidays not decided yet) are printed
	cchc-bot kb check knowledge

test:
	pytest

bench:
	$(PY) benchmarks/accuracy.py --sweep
	$(PY) benchmarks/latency.py
