# async def / await / async for / async with, driven by a tiny hand-written event loop.
class Sleep:
    def __init__(self, ticks):
        self.ticks = ticks

    def __await__(self):
        for _ in range(self.ticks):
            yield self.ticks
        return self.ticks

    __iter__ = __await__


async def worker(name, delays, log):
    total = 0
    for d in delays:
        total += await Sleep(d)
        log.append(name + str(d))
    return name + "=" + str(total)


class Ticker:
    def __init__(self, n):
        self.n = n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        await Sleep(1)
        return self.n


class Lock:
    async def __aenter__(self):
        print("lock acquired")
        return self

    async def __aexit__(self, *exc):
        print("lock released")
        return False


async def consumer():
    seen = []
    async for v in Ticker(3):
        seen.append(v)
    async with Lock():
        seen.append("locked")
    return seen


def run(coros):
    results = {}
    pending = list(enumerate(coros))
    while pending:
        still = []
        for idx, coro in pending:
            try:
                coro.send(None)
                still.append((idx, coro))
            except StopIteration as stop:
                results[idx] = stop.value
        pending = still
    return [results[i] for i in range(len(coros))]


log = []
print(run([worker("a", [2, 1], log), worker("b", [1, 1, 1], log), consumer()]))
print(log)
