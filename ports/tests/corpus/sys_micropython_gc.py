# not-cpython: MicroPython's sys and micropython modules (print_exception, opt_level, schedule)
import sys
import micropython
import gc

print(sys.implementation.name, sys.implementation.version[:2] >= (1, 20))
print(type(sys.implementation._mpy), sys.byteorder, sys.maxsize >= 2**31 - 1)
print(sys.version_info[0], sys.version.startswith("3.4.0; MicroPython"))
print(type(sys.path), type(sys.argv), type(sys.modules))
saved = sys.path
sys.path = ["first"]
sys.path.append("second")
print(sys.path)
sys.path = saved
print(sys.path is saved)

try:
    sys.no_such_attribute = 1
except AttributeError as e:
    print("AttributeError", e)
try:
    sys.no_such_attribute
except AttributeError as e:
    print("AttributeError", e)

print(sys.stdout.write("written\n"))
sys.stdout.write(b"bytes too\n")
print("via file=", 1, 2, sep="|", file=sys.stdout)


class NotAStream:
    def write(self, text):
        print("never called")


try:
    print("lost", file=NotAStream())
except OSError as e:
    print("OSError", e)


# (Tracebacks name the source file, which differs between a .py and its .mpy.)
sys.print_exception(KeyError("deep"), sys.stdout)
sys.print_exception(RuntimeError("never raised"))

print(micropython.const(123), micropython.opt_level())
micropython.opt_level(2)
print(micropython.opt_level())
micropython.opt_level(0)

print(gc.isenabled())
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.collect(), gc.mem_free() > 0, gc.mem_alloc() > 0)
gc.threshold(8192)
print(gc.threshold())
gc.threshold(-1)
print(gc.threshold())

order = []


def later(arg):
    order.append(arg)


micropython.schedule(later, "a")
micropython.schedule(later, "b")
for i in range(10):
    pass
print(order)
try:
    for i in range(10):
        micropython.schedule(later, i)
except RuntimeError as e:
    print("RuntimeError", e)
for i in range(20):
    pass
print(order)
