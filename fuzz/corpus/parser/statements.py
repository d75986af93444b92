import a.b.c as d, e
from . import x
from ..m import (y as z, w)
from mod import *
try:
    raise ValueError('x') from None
except (TypeError, ValueError) as e:
    pass
except Exception:
    raise
else:
    assert x, 'message'
finally:
    del x
with open('f') as fh, lock:
    for i, (j, *k) in enumerate(fh):
        if i: continue
        elif j: break
        else: pass
    else:
        x = y = z = 0
while True:
    yield from gen()
