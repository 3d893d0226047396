import abc
from typing import Protocol, overload
class Base(abc.ABC):
    @abc.abstractmethod
    def run(self):
        ...
    def todo(self):
        pass
    def nie(self):
        raise NotImplementedError("later")
    def doc_only(self):
        """Just a docstring."""
    def doc_pass(self):
        """Doc."""
        pass
    def real(self):
        """Doc."""
        return 1
    def one_line(self): ...
    def nested_if(self):
        if x:
            pass
    @overload
    def over(self, x: int) -> int: ...
    @staticmethod
    def st(a, b=1):
        return a
    @classmethod
    def cm(cls, *args, **kw):
        return cls
class Proto(Protocol):
    def need(self, x: "Foo", *, y: int = 3) -> None:
        ...
class Meta(metaclass=abc.ABCMeta):
    pass
class Gen(Generic[T], mod.Base, **kw):
    x: int = 1
def outer():
    def inner(a: Dict[str, int] = {}):
        return a
    return inner
