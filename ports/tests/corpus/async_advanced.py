# Coroutines in depth: exceptions crossing await, try/finally inside coroutines, awaiting
# other coroutines, async generators are avoided (not in MicroPython), a round-robin scheduler.
class Yield:
    def __await__(self):
        yield "tick"

    __iter__ = __await__


async def fails_after(n):
    for _ in range(n):
        await Yield()
    raise ValueError("failed after %d" % n)


async def guarded(name, n, log):
    try:
        await fails_after(n)
    except ValueError as e:
        log.append("%s caught: %s" % (name, e))
        return "recovered"
    finally:
        log.append(name + " finally")


async def chain(depth):
    if depth == 0:
        await Yield()
        return 1
    return 1 + await chain(depth - 1)


class Resource:
    def __init__(self, log):
        self.log = log

    async def __aenter__(self):
        await Yield()
        self.log.append("open")
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.log.append("close %s" % (exc_type.__name__ if exc_type else None))
        return True


async def uses_resource(log):
    async with Resource(log) as r:
        await Yield()
        raise KeyError("suppressed")
    return "after with"


def scheduler(tasks):
    results = [None] * len(tasks)
    queue = list(enumerate(tasks))
    ticks = 0
    while queue:
        index, task = queue.pop(0)
        try:
            task.send(None)
            ticks += 1
            queue.append((index, task))
        except StopIteration as stop:
            results[index] = stop.value if hasattr(stop, "value") else stop.args[0]
    return results, ticks


log = []
print(scheduler([guarded("a", 2, log), guarded("b", 0, log), chain(5), uses_resource(log)]))
print(log)
