# exec, eval and compile with chosen globals and locals, and globals() and locals().
counter = 10

print(eval("counter * 2 + 1"))
print(eval("x + y", {"x": 1, "y": 2}))
print(eval("x + y", {"x": 1}, {"y": 5}))
print(eval("[n * n for n in range(4)]"))

exec("def triple(n):\n    return 3 * n")
print(triple(4))

scope = {}
exec("a = 1\nb = a + counter_offset", {"counter_offset": 41}, scope)
print(sorted(scope.items()))

namespace = {"items": []}
exec("for i in range(3):\n    items.append(i * i)", namespace)
print(namespace["items"], "i" in namespace)

exec("counter += 5")
print(counter)


def inside():
    local_value = 3
    print(eval("local_value", {"local_value": 99}), "counter" in globals())
    return sorted(k for k in globals() if k == "inside")


print(inside())
print(globals()["counter"], locals() is globals())

code = compile("result = base ** 2", "<calc>", "exec")
for base in (2, 3):
    env = {"base": base}
    exec(code, env)
    print(env["result"])

expr = compile("left * right", "<expr>", "eval")
print(eval(expr, {"left": 6, "right": 7}))

for bad in ("1 +", "def f(:\n  pass", "x = (1, 2"):
    try:
        exec(bad)
    except SyntaxError:
        print("SyntaxError", repr(bad))

try:
    eval("undefined_thing")
except NameError:
    print("NameError")

try:
    exec("pass", "not a dict")
except TypeError:
    print("TypeError")

try:
    compile("1", "<x>", "nonsense")
except ValueError:
    print("ValueError")


class Config:
    exec("setting = 'on'")
    derived = setting + "!"


print(Config.setting, Config.derived)
