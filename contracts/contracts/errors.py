class InvalidEvent(ValueError):
    """An event that does not match its contract; `messages` says which fields and why."""

    def __init__(self, message: str, messages: dict | None = None):
        super().__init__(message)
        self.messages = messages or {}
