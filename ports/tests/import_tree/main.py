# Imports, checked against the MicroPython runtime importing this tree: absolute, dotted,
# relative and star imports, packages with and without __init__.py, circular imports,
# sys.modules, __import__, module attributes, and the errors import raises.
import sys


def base(path):
    return path.split("/")[-1]


import util
print(util.__name__, base(util.__file__), util.double(21))
import util as u2
print(u2 is util, util.calls)

import shapes.solid.cube as cube
print(cube.describe(), cube.__name__, base(cube.__file__))
import shapes
print(shapes.__name__, shapes.solid.__name__, shapes.solid.cube is cube)
print(base(shapes.__path__), base(shapes.solid.__path__))
from shapes import square
print(square.area(3), square.unit_name)
from shapes.solid import cube as c2, sphere
print(c2 is cube, sphere.volume_name)
from shapes.square import area, unit_name as un
print(area(4), un)

from namespace_pkg import leaf
print(leaf.where, hasattr(leaf, "__file__"))
import namespace_pkg
print(hasattr(namespace_pkg, "__file__"), base(namespace_pkg.__path__))

import cycle_a
print(cycle_a.finished, cycle_a.cycle_b.saw_finished, cycle_a.cycle_b.saw_name)

from star_all import *
print(exported)
try:
    print(hidden)
except NameError:
    print("hidden is not exported")
from star_plain import *
print(plain_public)
try:
    print(_plain_private)
except NameError:
    print("private names are not exported")

print("util" in sys.modules, "shapes.solid.cube" in sys.modules)
del sys.modules["util"]
import util
print(util is u2, util.calls)

m = __import__("shapes.solid.cube")
print(m.__name__)
m = __import__("shapes.solid.cube", None, None, ("x",))
print(m.__name__)

import lazy
print(lazy.present, lazy.computed_name)
lazy.added = 5
print(lazy.added)
del lazy.added
print(hasattr(lazy, "added"))

import mpy_only
print(mpy_only.greeting(), base(mpy_only.__file__))

for name in ("no_such_module", "shapes.no_such", "util.not_a_package", "broken_pkg"):
    try:
        __import__(name)
    except ImportError as e:
        print("ImportError", e.args)
    except ZeroDivisionError:
        print("ZeroDivisionError while importing", name)
print("broken_pkg" in sys.modules)
try:
    from util import no_such_name
except ImportError as e:
    print("ImportError", e.args)
try:
    import relative_too_far
except ImportError as e:
    print("ImportError", e.args)
try:
    __import__("")
except ValueError as e:
    print("ValueError", e.args)

import sys as s2, util as u3
print(s2 is sys, u3 is util, type(sys).__name__, repr(sys))
