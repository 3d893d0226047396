import a
def broken(:
    pass
import b
class X
    import c_in_broken
import d
print "py2"
import e
