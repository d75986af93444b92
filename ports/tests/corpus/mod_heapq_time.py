# heapq on lists of numbers, tuples and objects; time's calendar and ticks arithmetic; errno.
import errno
import heapq
import time

heap = []
for value in (5, 1, 8, 3, 9, 2, 7, 1, 0, 6):
    heapq.heappush(heap, value)
print(heap, [heapq.heappop(heap) for _ in range(len(heap))])

items = [(3, "c"), (1, "a"), (2, "b"), (1, "z"), (0, "first")]
heapq.heapify(items)
print(items[0], [heapq.heappop(items)[1] for _ in range(5)])


class Task:
    def __init__(self, priority, name):
        self.priority = priority
        self.name = name

    def __lt__(self, other):
        return self.priority < other.priority


tasks = []
for priority, name in ((4, "write"), (1, "plan"), (3, "test"), (2, "code")):
    heapq.heappush(tasks, Task(priority, name))
print([heapq.heappop(tasks).name for _ in range(4)])

for bad in (lambda: heapq.heappop([]), lambda: heapq.heappush((1,), 2), lambda: heapq.heapify("abc")):
    try:
        bad()
    except Exception as error:
        print(type(error).__name__)

print(time.gmtime(0)[:8], time.gmtime(951782400)[:8], time.gmtime(2**31 - 1)[:8])
for stamp in (0, 86399, 951782400, 1700000000):
    print(time.mktime(time.gmtime(stamp)) == stamp)
start = time.time()
time.sleep(0.01)
print(time.time() - start >= 0.005, type(time.time_ns()).__name__)

print(errno.ENOENT, errno.EINVAL, errno.EAGAIN, errno.EEXIST)
