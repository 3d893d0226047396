"""Module docstring.

import fake_in_docstring
from fake import inside
"""
import real_one  # import fake_in_comment
s = "import fake_in_string"
t = '''
from fake2 import x
'''
u = r"import raw" ; b = b'from x import y'
# from fake3 import z
def f():
    """
    import fake_in_func_docstring
    """
    return "from fake4 import q"
from real_two import thing
