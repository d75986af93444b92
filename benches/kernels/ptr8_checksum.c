#include "kernel.h"

static int kernel(const unsigned char *buf, int n, int rounds) {
    int s = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < n; i++) {
            s = (s + buf[i]) & 0xFFFF;
        }
    }
    return s;
}

int main(void) {
    static unsigned char buf[4200];
    for (int i = 0; i < 4200; i++) {
        buf[i] = "krait!"[i % 6];
    }
    volatile int rounds = 200;
    START();
    int s = kernel(buf, 4200, rounds);
    STOP();
    printf("%d\n", s);
    return report();
}
