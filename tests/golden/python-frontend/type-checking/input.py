from __future__ import annotations
import typing
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from app.models import Model
    if sys.version_info > (3, 8):
        from app.nested import Nested
    def helper():
        import in_tc_def
else:
    from app.runtime import Model
if typing.TYPE_CHECKING:
    import app.typed
elif other:
    import app.elif_branch
if TYPE_CHECKING: import app.oneline
def f():
    if TYPE_CHECKING:
        from app.local_tc import T
    import app.local
