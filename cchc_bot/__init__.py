"""cchc-bot: a Vietnamese question-answering bot for a Department of Education's CCHC work."""

__version__ = "0.1.0"
