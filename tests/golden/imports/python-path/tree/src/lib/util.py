import lib.core
