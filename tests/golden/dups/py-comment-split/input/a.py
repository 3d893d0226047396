def load_config(path, defaults):
    with open(path) as fh:
        text = fh.read()
    values = dict(defaults)
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values
