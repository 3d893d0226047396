"""Only a method call on an attribute: the enum import is added."""


def touch(holder) -> None:
    holder.quotes.store("x", 2)


class Holder:
    def __init__(self, quotes) -> None:
        self.quotes = quotes
