# The test compiles this to mpy_only.mpy and removes the source before running.
def greeting():
    return "hello from " + __name__
