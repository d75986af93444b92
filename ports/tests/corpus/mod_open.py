# open(): text and binary files under /tmp: write, append, read, readline(s), iteration, seek.
import os
import random

path = "/tmp/mod_open_" + str(random.getrandbits(30)) + ".txt"
with open(path, "w") as f:
    print(f.write("first line\n"), f.write("second\nthird"))
with open(path, "a") as f:
    f.write(" and more\n")

f = open(path)
print(repr(f.read(5)), repr(f.readline()), repr(f.readline()), f.tell())
print(f.seek(0), repr(f.read()))
f.close()
for line in open(path):
    print(repr(line))
print(open(path).readlines())

with open(path, "rb") as f:
    print(f.read(3), f.readline(), f.seek(-5, 2), f.read())
with open(path, "r+") as f:
    f.seek(6)
    f.write("LINE")
    f.seek(0)
    print(repr(f.readline()))

for attempt in (lambda: open(path + ".missing"), lambda: f.read(), lambda: open(path, "r").write("x")):
    try:
        attempt()
        print("no error")
    except OSError:
        print("OSError")
    except ValueError:
        print("ValueError")
os.remove(path)
print(path.split("/")[-1] in os.listdir("/tmp"))
