"""Shared plumbing every service plugs into; see README.md for the map."""
