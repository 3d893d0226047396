import a
from b import (
    c,
    d)
if x:
    import e
def f():
    """doc
    import no
    """
    import g
