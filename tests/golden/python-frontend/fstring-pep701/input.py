import a
x = f"{1+2 = # a comment
  }"
y = fr'\{{' ; import b
z = f'''
{ # not an import
3 * 2}'''
w = f"{x!r:>{10}}" f"{'\\{'}"
import c
