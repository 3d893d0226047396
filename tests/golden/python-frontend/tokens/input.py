def f(a, b):
    """docstring not tokenized"""
    return a + b * 2
