@decorator
@module.attr(1, k=2)
def f(a, b=1, c=2, *args, d, e=3, **kwargs) -> int:
    global g
    def inner():
        nonlocal a
        a += 1
        return lambda x, *y, **z: (x, y, z)
    return inner

async def co(x):
    async with x as y:
        async for i in y:
            await i
    return [i for i in x]

class C(Base, metaclass=Meta):
    attr: int = 3
    def m(self, *, k):
        super().m(k=k)
