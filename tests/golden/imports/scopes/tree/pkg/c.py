try:
    import pkg.a
except ImportError:
    pass
