/*
 * emit_3d.c - the C of Conv, ConvTranspose, MaxPool and AveragePool on 5-D
 * [N,C,D,H,W] inputs (window from shape_3d.c, formulas of interp_3d.c).
 * A 3-D Conv or ConvTranspose is a compact sparse loop: per channel, a table
 * of its kept weights and their taps, so every pruned weight costs neither
 * time nor bytes.
 */
#include "emit.h"

/* The taps of the kept weights of W, grouped by row r (of rows): tap[t] = {column, k0 * d0,
 * k1 * d1, k2 * d2}, weight w[t], row r's taps start[r] to start[r + 1]. Conv: rows are the
 * output channels, columns the channels in the group; ConvTranspose (Wt [C][M/group][k]):
 * rows the input channels, columns the output channels. Weights computed at run time:
 * every tap, in W's order (tap t reads W[t]), and no table of weights. Returns the count. */
static int64_t tap_tables(Emit *e, const Node *n, const Window3 *w, int transpose, const char *name)
{
    Graph *g = e->g;
    const float *W = g->t[n->in[1]].f;
    int dense = !ir_is_const(&g->t[n->in[1]]);
    int64_t rows = transpose ? w->c : w->m, cols = transpose ? w->m / w->group : w->c / w->group;
    int64_t kn = w->k[0] * w->k[1] * w->k[2], r, c, kp, nnz = 0, t = 0;
    int64_t *start = arena_array(g->a, (size_t)rows + 2, sizeof(int64_t)), *tap;
    float *wv;
    for (r = 0; r < rows * cols * kn; r++)
        nnz += dense || W[r] != 0.0f;
    tap = arena_array(g->a, (size_t)(nnz + 1) * 4, sizeof(int64_t));
    wv = arena_array(g->a, (size_t)nnz + 1, sizeof(float));
    for (r = 0; r < rows; r++) {
        start[r] = t;
        for (c = 0; c < cols; c++)
            for (kp = 0; kp < kn; kp++) {
                float v = dense ? 1.0f : W[(r * cols + c) * kn + kp];
                if (v == 0.0f)
                    continue;
                tap[4 * t] = transpose ? r / (w->c / w->group) * cols + c : c;
                tap[4 * t + 1] = kp / (w->k[1] * w->k[2]) * w->d[0];
                tap[4 * t + 2] = kp / w->k[2] % w->k[1] * w->d[1];
                tap[4 * t + 3] = kp % w->k[2] * w->d[2];
                wv[t++] = v;
            }
    }
    start[rows] = t;
    emit_to_consts(e);
    if (dense)
        emit_line(e, "/* node %d: %s '%s' -- weights computed at run time: the %s channel and depth, height, width "
                  "offsets of each */", n->index, op_name(n->op), text_comment(g->a, n->name), transpose ? "output" : "input");
    else {
        emit_line(e, "/* node %d: %s '%s' -- %lld of %lld weights kept: each one, its %s channel and depth, height, "
                  "width offsets */", n->index, op_name(n->op), text_comment(g->a, n->name), (long long)nnz,
                  (long long)(rows * cols * kn), transpose ? "output" : "input");
        emit_line(e, "static const float %s%s_w[%lld] = {", emit_weights_attr(e), name, (long long)(nnz ? nnz : 1));
        emit_lit_rows(e, n, wv, nnz ? nnz : 1);
        emit_line(e, "};");
    }
    emit_line(e, "static const int %s_tap[%lld][4] = {", name, (long long)(nnz ? nnz : 1));
    e->indent++;
    for (t = 0; t < (nnz ? nnz : 1); t++)
        emit_line(e, "{%lld, %lld, %lld, %lld},", (long long)tap[4 * t], (long long)tap[4 * t + 1], (long long)tap[4 * t + 2],
                  (long long)tap[4 * t + 3]);
    e->indent--;
    emit_line(e, "};");
    emit_line(e, "static const int %s_start[%lld] = {", name, (long long)(rows + 1));
    emit_int_rows(e, start, rows + 1);
    emit_line(e, "};");
    emit_blank(e);
    return nnz;
}

/* Kept weight t: its table entry, or W's element t when W is computed at run time. */
static const char *weight(Emit *e, const Node *n, const char *name)
{
    if (ir_is_const(&e->g->t[n->in[1]]))
        return arena_printf(e->g->a, "%s_w[t]", name);
    return "x1[t]";
}

/*
 * Conv: y[b][m][o] = bias[m] + sum over m's kept taps t of
 *   w[t] * x[b][group start + tap[t][0]][o * s - pb + tap[t][1..3]], outside x reading 0.
 */
void emit_conv3d(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Window3 w;
    const char *name = emit_fn_name(e, n), *bias;
    int64_t nnz, plane, cg, mg;
    window_3d(g, n, &w);
    nnz = tap_tables(e, n, &w, 0, name);
    bias = n->n_in >= 3 && n->in[2] != TC_NONE ? arena_printf(g->a, "%s[m]", emit_operand(e, n, 2)) : "0.0f";
    plane = w.in[0] * w.in[1] * w.in[2];
    cg = w.c / w.group;
    mg = w.m / w.group;
    emit_begin_fn(e, n, "", ir_is_const(&g->t[n->in[1]]) ? arena_printf(g->a, " -- 3-D, %lld weights kept", (long long)nnz)
                                                          : " -- 3-D, weights computed at run time");
    emit_line(e, "int b, m, o0, o1, o2, t;");
    emit_line(e, "float *yp = y;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w.batch);
    emit_line(e, "    for (m = 0; m < %lld; m++) {", (long long)w.m);
    e->indent += 2;
    emit_line(e, "const float *xg = %s + (b * %lld + m / %lld * %lld) * %lld;", emit_operand(e, n, 0), (long long)w.c,
              (long long)mg, (long long)cg, (long long)plane);
    emit_blank(e);
    emit_line(e, "for (o0 = 0; o0 < %lld; o0++)", (long long)w.out[0]);
    emit_line(e, "    for (o1 = 0; o1 < %lld; o1++)", (long long)w.out[1]);
    emit_line(e, "        for (o2 = 0; o2 < %lld; o2++) {", (long long)w.out[2]);
    e->indent += 3;
    emit_line(e, "float s = %s;", bias);
    emit_blank(e);
    emit_line(e, "for (t = %s_start[m]; t < %s_start[m + 1]; t++) {", name, name);
    e->indent++;
    emit_line(e, "const int i0 = o0 * %lld - %lld + %s_tap[t][1], i1 = o1 * %lld - %lld + %s_tap[t][2], "
              "i2 = o2 * %lld - %lld + %s_tap[t][3];", (long long)w.s[0], (long long)w.pb[0], name, (long long)w.s[1],
              (long long)w.pb[1], name, (long long)w.s[2], (long long)w.pb[2], name);
    emit_blank(e);
    emit_line(e, "if (i0 < 0 || i0 >= %lld || i1 < 0 || i1 >= %lld || i2 < 0 || i2 >= %lld)", (long long)w.in[0],
              (long long)w.in[1], (long long)w.in[2]);
    emit_line(e, "    continue;");
    emit_line(e, "s += %s * xg[((%s_tap[t][0] * %lld + i0) * %lld + i1) * %lld + i2];", weight(e, n, name), name,
              (long long)w.in[0], (long long)w.in[1], (long long)w.in[2]);
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "*yp++ = s;");
    e->indent -= 3;
    emit_line(e, "        }");
    e->indent -= 2;
    emit_line(e, "    }");
    emit_end_fn(e);
}

/*
 * ConvTranspose scatters: y = bias, then each x[b][c][i] adds x * w[t] to
 * y[b][tap[t][0]][i * s - pb + tap[t][1..3]] for c's kept taps t.
 */
void emit_convtranspose3d(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Window3 w;
    const char *name = emit_fn_name(e, n);
    int64_t nnz, on, inn;
    window_3d(g, n, &w);
    nnz = tap_tables(e, n, &w, 1, name);
    on = w.out[0] * w.out[1] * w.out[2];
    inn = w.in[0] * w.in[1] * w.in[2];
    emit_begin_fn(e, n, "", ir_is_const(&g->t[n->in[1]]) ? arena_printf(g->a, " -- 3-D, %lld weights kept", (long long)nnz)
                                                          : " -- 3-D, weights computed at run time");
    emit_line(e, "int b, c, i0, i1, i2, t, p;");
    emit_blank(e);
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w.batch);
    emit_line(e, "    for (c = 0; c < %lld; c++)", (long long)w.m);
    emit_line(e, "        for (p = 0; p < %lld; p++)", (long long)on);
    emit_line(e, "            y[(b * %lld + c) * %lld + p] = %s;", (long long)w.m, (long long)on,
              n->n_in >= 3 && n->in[2] != TC_NONE ? arena_printf(g->a, "%s[c]", emit_operand(e, n, 2)) : "0.0f");
    emit_line(e, "for (b = 0; b < %lld; b++)", (long long)w.batch);
    emit_line(e, "    for (c = 0; c < %lld; c++)", (long long)w.c);
    emit_line(e, "        for (i0 = 0; i0 < %lld; i0++)", (long long)w.in[0]);
    emit_line(e, "            for (i1 = 0; i1 < %lld; i1++)", (long long)w.in[1]);
    emit_line(e, "                for (i2 = 0; i2 < %lld; i2++) {", (long long)w.in[2]);
    e->indent += 5;
    emit_line(e, "const float xv = %s[(b * %lld + c) * %lld + (i0 * %lld + i1) * %lld + i2];", emit_operand(e, n, 0),
              (long long)w.c, (long long)inn, (long long)w.in[1], (long long)w.in[2]);
    emit_blank(e);
    emit_line(e, "for (t = %s_start[c]; t < %s_start[c + 1]; t++) {", name, name);
    e->indent++;
    emit_line(e, "const int o0 = i0 * %lld - %lld + %s_tap[t][1], o1 = i1 * %lld - %lld + %s_tap[t][2], "
              "o2 = i2 * %lld - %lld + %s_tap[t][3];", (long long)w.s[0], (long long)w.pb[0], name, (long long)w.s[1],
              (long long)w.pb[1], name, (long long)w.s[2], (long long)w.pb[2], name);
    emit_blank(e);
    emit_line(e, "if (o0 < 0 || o0 >= %lld || o1 < 0 || o1 >= %lld || o2 < 0 || o2 >= %lld)", (long long)w.out[0],
              (long long)w.out[1], (long long)w.out[2]);
    emit_line(e, "    continue;");
    emit_line(e, "y[(b * %lld + %s_tap[t][0]) * %lld + (o0 * %lld + o1) * %lld + o2] += xv * %s;", (long long)w.m,
              name, (long long)on, (long long)w.out[1], (long long)w.out[2], weight(e, n, name));
    e->indent--;
    emit_line(e, "}");
    e->indent -= 5;
    emit_line(e, "                }");
    emit_end_fn(e);
}

/*
 * MaxPool: the largest x inside the window; AveragePool: the sum over the window's
 * positions inside x over their count (with count_include_pad: those inside the
 * padded input).
 */
void emit_pool3d(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Window3 w;
    int avg = n->op == OP_AVERAGEPOOL3D, incl = avg && attr_int(n, "count_include_pad", 0);
    window_3d(g, n, &w);
    emit_begin_fn(e, n, "", " -- 3-D");
    emit_line(e, "int i, o0, o1, o2, k0, k1, k2;");
    emit_line(e, "float *yp = y;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < %lld; i++)", (long long)(w.batch * w.c));
    emit_line(e, "    for (o0 = 0; o0 < %lld; o0++)", (long long)w.out[0]);
    emit_line(e, "        for (o1 = 0; o1 < %lld; o1++)", (long long)w.out[1]);
    emit_line(e, "            for (o2 = 0; o2 < %lld; o2++) {", (long long)w.out[2]);
    e->indent += 4;
    emit_line(e, "const float *xc = %s + i * %lld;", emit_operand(e, n, 0), (long long)(w.in[0] * w.in[1] * w.in[2]));
    emit_line(e, "float s = 0.0f;");
    emit_line(e, "int cnt = 0;");
    emit_blank(e);
    emit_line(e, "for (k0 = 0; k0 < %lld; k0++)", (long long)w.k[0]);
    emit_line(e, "    for (k1 = 0; k1 < %lld; k1++)", (long long)w.k[1]);
    emit_line(e, "        for (k2 = 0; k2 < %lld; k2++) {", (long long)w.k[2]);
    e->indent += 3;
    emit_line(e, "const int p0 = o0 * %lld - %lld + k0 * %lld, p1 = o1 * %lld - %lld + k1 * %lld, p2 = o2 * %lld - %lld + k2 * %lld;",
              (long long)w.s[0], (long long)w.pb[0], (long long)w.d[0], (long long)w.s[1], (long long)w.pb[1],
              (long long)w.d[1], (long long)w.s[2], (long long)w.pb[2], (long long)w.d[2]);
    emit_line(e, "float v;");
    emit_blank(e);
    emit_line(e, "if (p0 < 0 || p0 >= %lld || p1 < 0 || p1 >= %lld || p2 < 0 || p2 >= %lld) {", (long long)w.in[0],
              (long long)w.in[1], (long long)w.in[2]);
    if (incl) /* inside the padded input: before the end padding's end */
        emit_line(e, "    cnt += p0 < %lld && p1 < %lld && p2 < %lld;", (long long)(w.in[0] + w.pe[0]),
                  (long long)(w.in[1] + w.pe[1]), (long long)(w.in[2] + w.pe[2]));
    emit_line(e, "    continue;");
    emit_line(e, "}");
    emit_line(e, "v = xc[(p0 * %lld + p1) * %lld + p2];", (long long)w.in[1], (long long)w.in[2]);
    if (avg)
        emit_line(e, "s += v;");
    else
        emit_line(e, "s = !cnt || v > s ? v : s;");
    emit_line(e, "cnt++;");
    e->indent -= 3;
    emit_line(e, "        }");
    emit_line(e, avg ? "*yp++ = s / (float)cnt;" : "*yp++ = s;");
    e->indent -= 4;
    emit_line(e, "            }");
    emit_end_fn(e);
}
