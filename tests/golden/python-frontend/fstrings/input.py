import a
x = f"{y["key"]} import fake {z!r:>{width}}"
y = f'{a:{b}} {c}' ; import b
z = f"""{
    "import fake2"
} {x:'>10}"""
w = rf"\d{x}" F"{{not a field}}" fR'{q}'
import c
v = f"{f'{f"{deep}"}'}"
import d
