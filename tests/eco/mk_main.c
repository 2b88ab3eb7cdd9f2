/* tests/eco/build.sh's program for make/ticketc.mk: two models, one Makefile */
#include <stdio.h>

#include "mlp.h"
#include "xor.h"

int main(void)
{
    float x[2] = {1.0f, 0.0f}, y[1], v[3] = {0.5f, 2.0f, -1.0f}, p[3];
    xor_run(x, y);
    mlp_run(v, p);
    printf("xor(1, 0) = %.3f, mlp argmax p = %.3f %.3f %.3f\n", y[0], p[0], p[1], p[2]);
    return !(y[0] > 0.99f && p[1] > p[0] && p[1] > p[2]);
}
