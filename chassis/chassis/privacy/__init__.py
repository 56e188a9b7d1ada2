"""The personal-data lifecycle shared by the three services: audit, retention, erasure, keys."""
