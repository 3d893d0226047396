"""Placeholders of every kind, and the interfaces that are not placeholders."""
from abc import ABC, abstractmethod
from typing import Protocol, overload


def only_pass():
    pass


def only_ellipsis():
    ...


def only_raise():
    raise NotImplementedError


def raise_with_message(x):
    raise NotImplementedError("later")


def only_docstring():
    """Will compute the hedge ratio."""


def docstring_and_pass():
    """Does nothing yet."""
    pass


def real(x):
    return x * 2


class Base(ABC):
    @abstractmethod
    def run(self):
        ...

    @abstractmethod
    def stop(self):
        raise NotImplementedError

    def helper(self):
        pass


class Sized(Protocol):
    def size(self) -> int:
        ...


@overload
def conv(x: int) -> int: ...
@overload
def conv(x: str) -> str: ...
def conv(x):
    return x


def noted():
    # TODO: handle the weekend case
    # FIXME broken on holidays
    x = 1  # XXX magic number
    return x  # a Placeholder value


def todo_inside_string():
    return "TODO is just text here"
