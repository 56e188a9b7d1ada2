"""The scrutiny board report: the same numbers as the feeds, in plain language, printable."""
