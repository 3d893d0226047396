import a
name = "café"
import b
