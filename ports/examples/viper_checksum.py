# The main job: a hot loop as viper machine code, called from ordinary Python.
import micropython


@micropython.viper
def checksum(buf, n: int) -> int:
    # Fletcher-16 over the first n bytes, reading them through a byte pointer.
    p = ptr8(buf)
    a = 0
    b = 0
    for i in range(n):
        a = (a + p[i]) % 255
        b = (b + a) % 255
    return (b << 8) | a


@micropython.native
def make_data(n):
    data = bytearray(n)
    for i in range(n):
        data[i] = (i * 7 + 3) & 0xFF
    return data


data = make_data(100000)
print("fletcher16:", hex(checksum(data, len(data))))
