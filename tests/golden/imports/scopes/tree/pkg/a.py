from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from pkg.b import B
else:
    B = None

def build():
    from pkg.c import C
    return C()
