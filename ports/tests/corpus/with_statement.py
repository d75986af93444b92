# Context managers: __enter__/__exit__, suppression, nesting and exceptions inside.
class Resource:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None)
        return self.suppress


with Resource("a") as r:
    print("inside", r)
with Resource("outer") as o, Resource("inner") as i:
    print("both", o, i)
with Resource("quiet", suppress=True):
    raise ValueError("swallowed")
print("after suppression")
try:
    with Resource("loud"):
        raise KeyError("k")
except KeyError:
    print("propagated")


def early_return():
    with Resource("func"):
        return "from inside with"


print(early_return())
for n in range(3):
    with Resource("loop%d" % n):
        if n == 1:
            continue
        if n == 2:
            break
        print("body", n)
