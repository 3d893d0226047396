import a, \
    b
from c import \
    d, \
    e
x = 1 + \
    2; import after
