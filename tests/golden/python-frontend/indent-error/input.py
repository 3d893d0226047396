import a
def f():
        x = 1
    y = 2
import b
class C:
    def m(self):
        pass
      import c
import d
   import e
import f
