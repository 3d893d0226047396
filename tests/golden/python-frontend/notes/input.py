import a  # TODO: remove this import
# FIXME broken
# XXX hack
# This is a Placeholder implementation
# placeholders are not word-bounded matches
# TODOs
x = 1  # unravel: allow-duplicate
def f():
    # todo lower case is not a marker
    pass
y = 2  # unravel:allow-duplicate (no blank after the colon)
z = 3  # unravel: allow-duplicates is not the marker
