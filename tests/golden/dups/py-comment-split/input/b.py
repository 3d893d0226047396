def read_settings(path, defaults):
    """Read key=value settings from path over defaults."""
    with open(path) as fh:
        text = fh.read()
    # start from the defaults
    values = dict(defaults)
    for line in text.splitlines():
        line = line.strip()

        # skip blanks and comments
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")  # split once
        values[key.strip()] = value.strip()
    return values
