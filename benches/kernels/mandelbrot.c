#include "kernel.h"

static int mandelbrot(int w, int h, int limit) {
    int total = 0;
    for (int py = 0; py < h; py++) {
        double ci = ((double)py / h) * 2.4 - 1.2;
        for (int px = 0; px < w; px++) {
            double cr = ((double)px / w) * 3.2 - 2.2;
            double zr = 0.0, zi = 0.0;
            int n = 0;
            while (n < limit && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                n++;
            }
            total += n;
        }
    }
    return total;
}

int main(void) {
    volatile int limit = 100;
    START();
    int total = mandelbrot(64, 48, limit);
    STOP();
    printf("%d\n", total);
    return report();
}
