try:
    import ujson as json
except ImportError:
    import json
else:
    import after_try
finally:
    import in_finally
with ctx():
    import in_with
for i in range(3):
    import in_for
while False:
    import in_while
if __name__ == "__main__":
    import in_main
