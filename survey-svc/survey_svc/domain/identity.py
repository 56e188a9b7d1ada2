"""One person, whatever id a service desk knows them by: their normalised email address."""


def identity_address(email: str | None, keep_plus_tag: bool = False) -> str | None:
    """Lower-cased and trimmed; `a+tag@x` is `a@x` unless the source keeps plus-tags apart.

    None when it is not one address (empty, no "@", or more than one)."""
    address = (email or "").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or "@" in local or " " in address:
        return None
    if not keep_plus_tag:
        local = local.split("+", 1)[0] or local
    return f"{local}@{domain}"
