/*
 * idx2f32 - the first N images of an IDX image file as raw float32,
 * pixel / 255.0f (the preprocessing of examples/lenet-ticket/train.py).
 *   idx2f32 IMAGES.idx N > out.f32
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    FILE *f;
    unsigned char h[16];
    long n, count, i, px;
    if (argc != 3 || !(f = fopen(argv[1], "rb")) || fread(h, 1, 16, f) != 16 || h[2] != 8 || h[3] != 3) {
        fprintf(stderr, "usage: idx2f32 IMAGES.idx N (an IDX3 ubyte file)\n");
        return 2;
    }
    count = (long)h[4] << 24 | (long)h[5] << 16 | (long)h[6] << 8 | h[7];
    px = ((long)h[8] << 24 | (long)h[9] << 16 | (long)h[10] << 8 | h[11]) *
         ((long)h[12] << 24 | (long)h[13] << 16 | (long)h[14] << 8 | h[15]);
    n = atol(argv[2]);
    if (n > count)
        n = count;
    for (i = 0; i < n * px; i++) {
        int c = fgetc(f);
        float v;
        if (c == EOF) {
            fprintf(stderr, "idx2f32: %s is truncated\n", argv[1]);
            return 1;
        }
        v = (float)c / 255.0f;
        fwrite(&v, sizeof v, 1, stdout);
    }
    fclose(f);
    return 0;
}
