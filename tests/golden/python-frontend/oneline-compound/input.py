if x: import a
if y: import b; import c
else: import d
try: import e
except: import f
def g(): import h
class K: import i
while 0: import j
x = 1; import k; y = 2
