from . import x
from .. import y
from .mod import z
from ..pkg.sub import w as ww
from ... import deep
from .import tight
from . import (a, b)
