/* What every C kernel shares: a monotonic clock around the kernel, and the time printed as
   the last line (`TIME <seconds>`), after the results, as the Python drivers print it. */
#include <stdio.h>
#include <time.h>

static struct timespec kernel_start, kernel_stop;
#define START() clock_gettime(CLOCK_MONOTONIC, &kernel_start)
#define STOP() clock_gettime(CLOCK_MONOTONIC, &kernel_stop)

static int report(void) {
    double seconds = (double)(kernel_stop.tv_sec - kernel_start.tv_sec) +
                     (double)(kernel_stop.tv_nsec - kernel_start.tv_nsec) * 1e-9;
    printf("TIME %.9f\n", seconds);
    return 0;
}
