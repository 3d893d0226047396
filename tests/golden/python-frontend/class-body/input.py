class A:
    import os
    from x import y
    if cond:
        import cond_in_class
    class B:
        import nested_class
