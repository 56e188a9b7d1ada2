"""Records of a subject access answer: counted, and kept events shown with their sealed personal
fields opened (None once the person's key was shredded)."""
from chassis.privacy.envelopes import open_data


def records_count(records: dict) -> int:
    return sum(len(found) for found in records.values() if found)


def readable_event(event, vault):
    """A kept event (its JSON) with its personal fields opened by the vault, when it has one."""
    if vault is None or not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        return event
    return {**event, "data": open_data(str(event.get("event_type", "")), event["data"], vault)}
