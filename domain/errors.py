"""Why an action was refused, in words a person understands."""


class InvalidAction(ValueError):
    """An action that does not fit the complaint's state or the actor's authority.

    Raised by `domain.commands` in update validators, so it never reaches history.
    """
