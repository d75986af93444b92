from .. import square
from . import units
from .units import NAME


def describe():
    return "cube of %d %s^3 (%s)" % (square.area(2) * 2, units.NAME, NAME)
