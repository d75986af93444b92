# Bitwise CRC-32 (IEEE, reflected). The caller passes the initial value and the polynomial,
# so the kernel never writes a constant wider than a small int (viper's uint takes them).
DECORATOR
def crc32(buf: ptr8, n: int, crc: uint, poly: uint) -> uint:
    for i in range(n):
        crc = crc ^ buf[i]
        for k in range(8):
            if crc & 1:
                crc = (crc >> 1) ^ poly
            else:
                crc = crc >> 1
    return crc


data = bytearray(4096)
for i in range(4096):
    data[i] = (i * 31 + 7) & 0xFF
crc = 0xFFFFFFFF
# timed
for r in range(8):
    crc = crc32(data, 4096, crc, 0xEDB88320)
# check
print(hex(crc ^ 0xFFFFFFFF))
