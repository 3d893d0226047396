import asyncio
match command:
    case "go":
        import in_case
    case _:
        pass
match = 1
import after_match
@decorator
@other.deco(arg=1)
async def coro():
    import in_coro
