#include "kernel.h"

/* Unsigned: i * i passes 2**31, and the low 24 bits the mask keeps are the same mod 2**32. */
static unsigned kernel(unsigned n) {
    unsigned s = 0;
    for (unsigned i = 0; i < n; i++) {
        s = (s + i * i + (i >> 3)) & 0xFFFFFF;
    }
    return s;
}

int main(void) {
    volatile unsigned n = 1000000;
    START();
    unsigned s = kernel(n);
    STOP();
    printf("%u\n", s);
    return report();
}
