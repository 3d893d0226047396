import a
x = foo(1, 2
def f():
    import b
import c
y = [1, 2)]
import d
