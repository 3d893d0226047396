from . import helpers            # app.core.helpers (a module)
from .helpers import fmt         # app.core.helpers (fmt is an attribute)
from .. import settings          # app.settings
import app.ns.deep.leaf as leaf  # namespace packages: app.ns.deep.leaf
import app.core.nothing          # deepest existing: app.core (verify: unresolved)
import os, json                  # external: not nodes
