#include "kernel.h"

struct record {
    int ident;
    int value;
};

static int same(int a, int b) { return a == b; }

static int step(struct record *records, int nrecords, int *table, int i) {
    struct record *r = &records[i % nrecords];
    r->value = (r->value * 3 + i) % 1000;
    table[i % 50] += r->value & 7;
    if (r->ident < 5) {
        r->ident += 1;
    } else {
        r->ident = same(r->value & 1, 1);
    }
    return r->value;
}

static long mix(int loops) {
    struct record records[10];
    for (int k = 0; k < 10; k++) {
        records[k].ident = k;
        records[k].value = k * 10;
    }
    int table[50] = {0};
    long total = 0;
    const char *s = "abc";
    for (int i = 0; i < loops; i++) {
        total += step(records, 10, table, i);
        if (s[i % 3] == 'b') {
            total += 1;
        }
        total = (total + (total & 255)) % 1000003;
    }
    for (int k = 0; k < 10; k++) {
        total += records[k].ident;
    }
    for (int k = 0; k < 50; k++) {
        total += table[k];
    }
    return total;
}

int main(void) {
    volatile int loops = 200000;
    START();
    long total = mix(loops);
    STOP();
    printf("%ld\n", total);
    return report();
}
