#include "kernel.h"

static void blur(const unsigned char *src, unsigned char *dst, int w, int h) {
    for (int y = 1; y < h - 1; y++) {
        int row = y * w;
        for (int x = 1; x < w - 1; x++) {
            int i = row + x;
            int s = src[i - w - 1] + 2 * src[i - w] + src[i - w + 1] + 2 * src[i - 1] +
                    4 * src[i] + 2 * src[i + 1] + src[i + w - 1] + 2 * src[i + w] +
                    src[i + w + 1];
            dst[i] = (unsigned char)(s >> 4);
        }
    }
}

int main(void) {
    enum { W = 64, H = 64 };
    static unsigned char a[W * H], b[W * H];
    for (int i = 0; i < W * H; i++) {
        a[i] = (unsigned char)((i * 7919 + (i >> 6) * 13) & 0xFF);
    }
    volatile int rounds = 20;
    START();
    for (int r = 0; r < rounds; r++) {
        blur(a, b, W, H);
        blur(b, a, W, H);
    }
    STOP();
    long sum = 0;
    for (int i = 0; i < W * H; i++) {
        sum += a[i];
    }
    printf("%ld %d\n", sum, a[W * 32 + 32]);
    return report();
}
