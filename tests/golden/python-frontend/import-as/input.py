import a.b as c
import a.b.c as d, e as f, g.h
import os.path
from a.b import c as d
