def f():
    import a
    def g():
        from b import c
    class Inner:
        import d
    return g
async def h():
    import e
    async with x:
        import f2
class K:
    def m(self):
        import g
    lam = lambda: None
import module_level
