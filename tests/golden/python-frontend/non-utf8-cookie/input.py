# -*- coding: latin-1 -*-
import a
name = "café"
import b
