# exec, eval, globals(), locals() in a class body, and overriding builtins through the
# builtins module.
import builtins

counter = 10
g = globals()
print(g is globals(), g["counter"])
g["made_here"] = "stored through globals()"
print(made_here)

exec("counter += 1")
print(counter)
print(eval("counter * 2"), eval("[x * x for x in range(4)]"))

space = {"a": 3}
exec("b = a * 7\ndef f(n):\n    return n + b", space)
print(space["b"], space["f"](1), "a" in space, "__builtins__" in space or True)
local_space = {}
exec("c = a + 1", space, local_space)
print(local_space, "c" in space)
print(eval("a + b", space), eval("a", {"a": 1}, {"a": 2}))
print(eval(b"1 + 1"), eval("5 "))

for bad in ["1 +", "def"]:
    try:
        exec(bad)
    except SyntaxError:
        print("SyntaxError for", repr(bad))
try:
    eval("undefined_name")
except NameError:
    print("NameError")
try:
    eval("1", [])
except TypeError:
    print("TypeError for a list as globals")


class Body:
    x = 1
    names = sorted(k for k in locals() if not k.startswith("__"))


print(Body.names)


def in_function():
    exec("global from_function\nfrom_function = 'set by exec in a function'")


in_function()
print(from_function)

original_abs = builtins.abs
builtins.abs = lambda x: "overridden"
print(abs(-3))
builtins.abs = original_abs
print(abs(-3))

imported = []
original_import = builtins.__import__


def recording_import(name, *args):
    imported.append(name)
    return original_import(name, *args)


builtins.__import__ = recording_import
import sys
import builtins as b2
builtins.__import__ = original_import
print(imported, b2 is builtins, sys.__name__)
