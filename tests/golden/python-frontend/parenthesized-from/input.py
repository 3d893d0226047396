from pkg.mod import (
    alpha,
    beta as b,  # a comment inside
    # a comment line inside
    gamma,
)
from x import (y)
from z import (
    w
)
