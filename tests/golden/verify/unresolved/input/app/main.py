import os
import json as j
import app.sub.real
from app.sub import real
from app.sub.real import VALUE
from app.sub import missing_module
import app.nope
from app.sub.typo_name import thing
from . import sub
from .sub import real as r2
from .gone import x
from ... import beyond
import requests


def later():
    import app.deleted
    from .sub.real import VALUE as V
    return V
