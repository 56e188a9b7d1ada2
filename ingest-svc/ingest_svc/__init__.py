"""ingest-svc: the public edge where people answer."""
