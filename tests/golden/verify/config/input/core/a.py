import core.b


def todo():
    pass
