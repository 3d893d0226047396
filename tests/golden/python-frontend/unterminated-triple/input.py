import a
def f():
    import b
    s = """never closed
import not_an_import
