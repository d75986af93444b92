#include <stdint.h>
#include "kernel.h"

static uint32_t crc32(const unsigned char *buf, int n, uint32_t crc, uint32_t poly) {
    for (int i = 0; i < n; i++) {
        crc ^= buf[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
        }
    }
    return crc;
}

int main(void) {
    static unsigned char data[4096];
    for (int i = 0; i < 4096; i++) {
        data[i] = (unsigned char)((i * 31 + 7) & 0xFF);
    }
    volatile uint32_t poly = 0xEDB88320u;
    START();
    uint32_t crc = 0xFFFFFFFFu;
    for (int r = 0; r < 8; r++) {
        crc = crc32(data, 4096, crc, poly);
    }
    STOP();
    printf("0x%x\n", crc ^ 0xFFFFFFFFu);
    return report();
}
