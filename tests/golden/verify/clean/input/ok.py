"""Nothing to report."""
import os


def cwd() -> str:
    return os.getcwd()
