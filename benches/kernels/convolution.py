# 3x3 binomial blur ([1 2 1; 2 4 2; 1 2 1] / 16) of a 64x64 8-bit image, repeated.
DECORATOR
def blur(src: ptr8, dst: ptr8, w: int, h: int):
    for y in range(1, h - 1):
        row = y * w
        for x in range(1, w - 1):
            i = row + x
            s = (src[i - w - 1] + 2 * src[i - w] + src[i - w + 1]
                 + 2 * src[i - 1] + 4 * src[i] + 2 * src[i + 1]
                 + src[i + w - 1] + 2 * src[i + w] + src[i + w + 1])
            dst[i] = s >> 4


W = 64
H = 64
a = bytearray(W * H)
b = bytearray(W * H)
for i in range(W * H):
    a[i] = (i * 7919 + (i >> 6) * 13) & 0xFF
# timed
for r in range(20):
    blur(a, b, W, H)
    blur(b, a, W, H)
# check
print(sum(a), a[W * 32 + 32])
