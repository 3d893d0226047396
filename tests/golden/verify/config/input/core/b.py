import core.a
import core.missing
