from app.core import models  # a cycle through a namespace package
