"""Event envelope, schemas and topic names shared by every service."""
from contracts.envelope import Envelope, decode, encode, make_envelope
from contracts.registry import EVENTS, schema_for, topic_for

__all__ = ["Envelope", "EVENTS", "decode", "encode", "make_envelope", "schema_for", "topic_for"]
