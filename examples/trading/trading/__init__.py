"""A small options-trading framework: the example codebase unravel is demonstrated on."""

__version__ = "0.3.0"
