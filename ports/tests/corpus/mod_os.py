# os: directories, rename, stat, listdir, errors; in a fresh directory under /tmp.
import os
import random

os.chdir("/tmp")
base = "mod_os_" + str(random.getrandbits(30))
os.mkdir(base)
os.chdir(base)
print(os.getcwd().endswith(base), os.listdir(), os.listdir("."))

os.mkdir("sub")
os.mkdir("other")
print(sorted(os.listdir()), os.stat("sub")[0] & 0o170000 == 0o040000, len(os.stat("sub")))
os.rename("other", "sub/inner")
print(sorted(os.listdir()), os.listdir("sub"), os.listdir("sub/inner"))

for attempt in (lambda: os.mkdir("sub"), lambda: os.remove("missing"), lambda: os.rmdir("sub"), lambda: os.stat("nope"), lambda: os.listdir("nope")):
    try:
        attempt()
        print("no error")
    except OSError as error:
        print("OSError", type(error.args[0]).__name__)

os.rmdir("sub/inner")
os.rmdir("sub")
os.chdir("..")
os.rmdir(base)
print(base in os.listdir(), os.sep)
