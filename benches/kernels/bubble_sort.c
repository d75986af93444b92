#include "kernel.h"

static void bubble_sort(int *a, int n) {
    for (int end = n - 1; end > 0; end--) {
        for (int j = 0; j < end; j++) {
            int x = a[j], y = a[j + 1];
            if (x > y) {
                a[j] = y;
                a[j + 1] = x;
            }
        }
    }
}

int main(void) {
    enum { N = 600 };
    static int a[N];
    unsigned long seed = 12345;
    for (int i = 0; i < N; i++) {
        seed = (seed * 1103515245ul + 12345ul) & 0x7FFFFFFFul;
        a[i] = (int)(seed % 100000);
    }
    START();
    bubble_sort(a, N);
    STOP();
    long long check = 0;
    for (int i = 0; i < N; i++) {
        check = (check + (long long)a[i] * (i + 1)) % 1000000007;
    }
    printf("%d %d %d %lld\n", a[0], a[N / 2], a[N - 1], check);
    return report();
}
