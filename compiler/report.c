/*
 * report.c - `--report FILE.html`: one self-contained page for a reviewer:
 * where the model came from, what each layer keeps and costs, and a picture
 * of each weight mask. No scripts, no external assets: the mask images are
 * PNGs written here (compressed by zlib) and inlined as data:
 * URIs. Everything taken from the model is HTML-escaped.
 */
#include <string.h>
#include <zlib.h>

#include "ticketc.h"

/* ---- HTML text ---- */

static void esc(Buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '<')
            buf_printf(b, "&lt;");
        else if (c == '>')
            buf_printf(b, "&gt;");
        else if (c == '&')
            buf_printf(b, "&amp;");
        else if (c == '"')
            buf_printf(b, "&quot;");
        else if (c == '\'')
            buf_printf(b, "&#39;");
        else if (c < 32 || c == 127)
            buf_printf(b, "&#xfffd;"); /* control characters shown as such, not passed on */
        else
            buf_add(b, s, 1);
    }
}

static void num(Buf *b, int64_t v) /* 235200 -> "235,200" */
{
    char raw[32];
    int len, i;
    if (v < 0) {
        buf_printf(b, "-");
        v = -v;
    }
    len = snprintf(raw, sizeof raw, "%lld", (long long)v);
    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf_printf(b, ",");
        buf_add(b, raw + i, 1);
    }
}

static void shape(Buf *b, Arena *a, const Tensor *t)
{
    buf_printf(b, "%s", text_dims(a, t->rank, t->dims, "&times;"));
}

/* ---- PNG, grey 8-bit, compressed by zlib ---- */

static void be32(Buf *b, uint32_t v)
{
    uint8_t x[4];
    x[0] = (uint8_t)(v >> 24);
    x[1] = (uint8_t)(v >> 16);
    x[2] = (uint8_t)(v >> 8);
    x[3] = (uint8_t)v;
    buf_add(b, x, 4);
}

static void chunk(Buf *png, const char *type, const uint8_t *data, size_t n)
{
    uint32_t crc = zlib_crc32(zlib_crc32(0, type, 4), data, n);
    be32(png, (uint32_t)n);
    buf_add(png, type, 4);
    if (n)
        buf_add(png, data, n);
    be32(png, crc);
}

/* pixels: h rows of w grey bytes */
static void png_grey(Buf *png, const uint8_t *pixels, uint32_t w, uint32_t h)
{
    Buf raw = {0}, z = {0}, ihdr = {0};
    uint32_t y;
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    for (y = 0; y < h; y++) {
        uint8_t filter = 0;
        buf_add(&raw, &filter, 1);
        buf_add(&raw, pixels + (size_t)y * w, w);
    }
    /* the zlib stream of the filtered rows, at zlib's best compression */
    {
        uLongf zlen = compressBound((uLong)raw.len);
        size_t room = (size_t)zlen;
        while (z.len < room) /* room for the worst case, then trimmed */
            buf_add(&z, "\0\0\0\0\0\0\0\0", room - z.len < 8 ? room - z.len : 8);
        if (compress2((Bytef *)z.p, &zlen, (const Bytef *)raw.p, (uLong)raw.len, 9) != Z_OK)
            fatal("--report: zlib could not compress a mask image");
        z.len = (size_t)zlen;
    }
    buf_add(png, sig, 8);
    be32(&ihdr, w);
    be32(&ihdr, h);
    buf_add(&ihdr, "\x08\x00\x00\x00\x00", 5); /* 8-bit grey, deflate, no filter choice, no interlace */
    chunk(png, "IHDR", (const uint8_t *)ihdr.p, ihdr.len);
    chunk(png, "IDAT", (const uint8_t *)z.p, z.len);
    chunk(png, "IEND", NULL, 0);
    buf_free(&raw);
    buf_free(&z);
    buf_free(&ihdr);
}

static void base64(Buf *b, const uint8_t *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        char q[4];
        q[0] = tab[p[i] >> 2];
        q[1] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        q[2] = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
        q[3] = tab[p[i + 2] & 63];
        buf_add(b, q, 4);
    }
    if (n - i == 1) {
        char q[4] = {tab[p[i] >> 2], tab[(p[i] & 3) << 4], '=', '='};
        buf_add(b, q, 4);
    } else if (n - i == 2) {
        char q[4] = {tab[p[i] >> 2], tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)], tab[(p[i + 1] & 15) << 2], '='};
        buf_add(b, q, 4);
    }
}

/*
 * The mask of a [N][K] weight as an image, outputs down, inputs across:
 * black where a weight is kept, white where pruned. Larger matrices are
 * shrunk to at most 1024 pixels a side, each pixel's grey level the
 * fraction of its block that is kept.
 */
static void mask_image(Buf *html, const LayerWeights *L, Arena *a)
{
    /* an empty matrix (refused by shape inference, but not here) is one white pixel */
    int64_t N = L->N, K = L->K, sx = K > 0 ? (K + 1023) / 1024 : 1, sy = N > 0 ? (N + 1023) / 1024 : 1;
    uint32_t w = K > 0 ? (uint32_t)((K + sx - 1) / sx) : 1, h = N > 0 ? (uint32_t)((N + sy - 1) / sy) : 1, x, y;
    uint8_t *px = arena_alloc(a, (size_t)w * h + 1);
    Buf png = {0};
    uint32_t zoom;
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            int64_t kept = 0, cells = 0, j, k;
            for (j = (int64_t)y * sy; j < N && j < ((int64_t)y + 1) * sy; j++)
                for (k = (int64_t)x * sx; k < K && k < ((int64_t)x + 1) * sx; k++) {
                    cells++;
                    kept += L->w[j * K + k] != 0.0f;
                }
            px[(size_t)y * w + x] = (uint8_t)(255 - (255 * kept + cells / 2) / (cells ? cells : 1));
        }
    png_grey(&png, px, w, h);
    /* small matrices drawn larger, whole pixels per weight */
    zoom = w < 600 ? 600 / w : 1;
    if (h * zoom > 600)
        zoom = h >= 600 ? 1 : 600 / h;
    buf_printf(html, "<img class=\"mask\" width=\"%u\" height=\"%u\" alt=\"mask\" src=\"data:image/png;base64,",
               w * zoom, h * zoom);
    base64(html, (const uint8_t *)png.p, png.len);
    buf_printf(html, "\">");
    buf_free(&png);
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111;max-width:1200px}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#eee}code{font:12px monospace}code.h{overflow-wrap:anywhere}"
    "img.mask{image-rendering:pixelated;border:1px solid #888;max-width:100%;height:auto;display:block}"
    "figure{margin:1em 0}figcaption{color:#444;margin-top:.3em}";

/* A quantized model's integer layers: parameters, forms, the measured error; its float islands. */
static void int_layers(Graph *g, Buf *html)
{
    const QuantPlan *p = g->quant;
    int k, i;
    if (g->qdq)
        buf_printf(html, "<h2>Integer layers</h2>\n<p>int8, with the file's scales and zero points (%lld quantized "
                         "operators read). x = scale &times; (q &minus; zero point); zero points as int8 (a uint8 "
                         "one minus 128).</p>\n", (long long)g->qdq->nodes);
    else
        buf_printf(html, "<h2>Integer layers</h2>\n<p>int8 (<code>--quantize int8</code>), calibrated on %lld "
                         "samples: weights symmetric per output channel, activations asymmetric per tensor. "
                         "x = scale &times; (q &minus; zero point).</p>\n", (long long)p->samples);
    buf_printf(html, "<table>\n<tr><th>node</th><th>op</th><th>name</th><th>int8 weights nonzero</th>"
                     "<th>strategy</th><th>est. M4 bytes</th><th>input scale / zp</th><th>output scale / zp</th>"
                     "<th>weight scales</th><th>ReLU</th>%s</tr>\n",
               p->err_max ? "<th>error (steps): largest / rms</th>" : "");
    for (k = 0; k < g->nn; k++) {
        const QLayer *q = p->layer[k];
        const Node *n = &g->n[k];
        float lo, hi;
        int64_t j;
        if (n->dead || !q)
            continue;
        lo = hi = 0.0f;
        for (j = 0; j < q->N; j++) { /* over the channels with a nonzero weight (an empty one has scale 1) */
            int64_t c;
            for (c = 0; c < q->K && !q->w[j * q->K + c]; c++)
                ;
            if (c == q->K)
                continue;
            lo = !(lo > 0.0f) || q->w_scale[j] < lo ? q->w_scale[j] : lo;
            hi = q->w_scale[j] > hi ? q->w_scale[j] : hi;
        }
        buf_printf(html, "<tr><td class=\"n\">%d</td><td>%s</td><td><code>", n->index, op_name(n->op));
        esc(html, n->name);
        buf_printf(html, "</code></td><td class=\"n\">");
        num(html, q->nnz);
        buf_printf(html, " of ");
        num(html, q->N * q->K);
        buf_printf(html, "</td><td>%s</td><td class=\"n\">",
                   q->by_input && q->strategy == STRAT_UNROLLED ? "unrolled, input by input" : strategy_name(q->strategy));
        num(html, int_layer_bytes(q, q->strategy));
        buf_printf(html, "</td><td>%.9g / %d</td><td>%.9g / %d</td><td>%.6g", (double)q->in.scale, (int)q->in.zp,
                   (double)q->out.scale, (int)q->out.zp, (double)lo);
        if (hi != lo)
            buf_printf(html, " &ndash; %.6g (per channel)", (double)hi);
        buf_printf(html, "</td><td>%s</td>", n->act == OP_RELU ? "fused" : "-");
        if (p->err_max)
            buf_printf(html, "<td class=\"n\">%.3g / %.3g</td>", p->err_max[k], p->err_rms[k]);
        buf_printf(html, "</tr>\n");
    }
    buf_printf(html, "</table>\n");
    if (!p->islands && !p->lut)
        return;
    buf_printf(html, "<h2>Nodes computed another way</h2>\n<table>\n<tr><th>node</th><th>op</th><th>name</th>"
                     "<th>how</th></tr>\n");
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        if (n->dead || !((p->lut && p->lut[k]) || (p->island && p->island[k])))
            continue;
        buf_printf(html, "<tr><td class=\"n\">%d</td><td>%s</td><td><code>", n->index,
                   n->op == OP_IDENTITY ? "Clip" : op_name(n->op));
        esc(html, n->name);
        if (p->lut && p->lut[k]) {
            buf_printf(html, "</code></td><td>a 256-entry int8 table (input scale %.9g / zp %d, output %.9g / %d)"
                             "</td></tr>\n", (double)p->t[n->in[0]].scale, (int)p->t[n->in[0]].zp,
                       (double)p->t[n->out[0]].scale, (int)p->t[n->out[0]].zp);
            continue;
        }
        buf_printf(html, "</code></td><td>float island:");
        for (i = 0; i < n->n_in; i++)
            if (n->in[i] != TC_NONE && !ir_is_const(&g->t[n->in[i]]) && !p->flt[n->in[i]]) {
                buf_printf(html, " dequantises <code>");
                esc(html, g->t[n->in[i]].name);
                buf_printf(html, "</code> (%.9g / %d);", (double)p->t[n->in[i]].scale, (int)p->t[n->in[i]].zp);
            }
        for (i = 0; i < n->n_out; i++)
            if (n->out[i] != TC_NONE && (i == 0 || node_multi_output(g, n))) {
                buf_printf(html, p->flt[n->out[i]] ? " keeps <code>" : " quantises <code>");
                esc(html, g->t[n->out[i]].name);
                if (p->flt[n->out[i]])
                    buf_printf(html, "</code> in float;");
                else
                    buf_printf(html, "</code> (%.9g / %d);", (double)p->t[n->out[i]].scale, (int)p->t[n->out[i]].zp);
            }
        buf_printf(html, "</td></tr>\n");
    }
    buf_printf(html, "</table>\n");
}

/* The float model's layers: weights kept, MACs, forms, bytes, RAM. */
static void float_layers(Graph *g, Buf *html)
{
    int64_t tot_nnz = 0, tot_w = 0, tot_mac = 0, tot_skip = 0, tot_bytes = 0;
    int k;

    buf_printf(html, "<h2>Layers</h2>\n<table>\n<tr><th>node</th><th>op</th><th>name</th><th>input</th>"
                     "<th>output</th><th>weights kept</th><th>density</th><th>MACs run</th><th>MACs skipped</th>"
                     "<th>strategy</th><th>est. bytes</th><th>output RAM</th></tr>\n");
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        const Tensor *out = &g->t[n->out[0]];
        LayerStats st;
        const LayerWeights *L = &st.L;
        if (n->dead)
            continue;
        buf_printf(html, "<tr><td class=\"n\">%d</td><td>%s", n->index, op_name(n->op));
        if (n->act != OP_COUNT)
            buf_printf(html, " + %s", op_name(n->act));
        buf_printf(html, "</td><td><code>");
        esc(html, n->name);
        buf_printf(html, "</code></td><td>");
        shape(html, g->a, &g->t[n->in[0]]);
        buf_printf(html, "</td><td>");
        shape(html, g->a, out);
        buf_printf(html, "</td>");
        if (layer_stats(g, n, &st)) {
            buf_printf(html, "<td class=\"n\">");
            num(html, L->nnz);
            buf_printf(html, " of ");
            num(html, st.total);
            buf_printf(html, "</td><td class=\"n\">%.2f%%</td><td class=\"n\">",
                       100.0 * (double)L->nnz / (double)(st.total > 0 ? st.total : 1));
            num(html, st.macs);
            buf_printf(html, "</td><td class=\"n\">");
            num(html, st.skipped);
            buf_printf(html, "</td><td>%s</td><td class=\"n\">",
                       n->input_major && st.strategy == STRAT_UNROLLED ? "unrolled, input by input"
                                                                       : strategy_name(st.strategy));
            num(html, st.bytes);
            buf_printf(html, "</td>");
            tot_nnz += L->nnz;
            tot_w += st.total;
            tot_mac += st.macs;
            tot_skip += st.skipped;
            tot_bytes += st.bytes;
        } else {
            buf_printf(html, "<td>-</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td>");
        }
        if (out->alias != TC_NONE)
            buf_printf(html, "<td>view of its input</td></tr>\n");
        else if (out->output_index >= 0)
            buf_printf(html, "<td>caller's output buffer</td></tr>\n");
        else {
            buf_printf(html, "<td class=\"n\">");
            num(html, ir_numel(out) * 4);
            buf_printf(html, " B in the arena</td></tr>\n");
        }
    }
    buf_printf(html, "<tr><th colspan=\"5\">total</th><td class=\"n\">");
    num(html, tot_nnz);
    buf_printf(html, " of ");
    num(html, tot_w);
    buf_printf(html, "</td><td class=\"n\">%.2f%%</td><td class=\"n\">",
               100.0 * (double)tot_nnz / (double)(tot_w ? tot_w : 1));
    num(html, tot_mac);
    buf_printf(html, "</td><td class=\"n\">");
    num(html, tot_skip);
    buf_printf(html, "</td><td></td><td class=\"n\">");
    num(html, tot_bytes);
    buf_printf(html, "</td><td class=\"n\">arena ");
    num(html, g->arena_floats * 4);
    buf_printf(html, " B (lower bound ");
    num(html, g->arena_lower_bound * 4);
    buf_printf(html, " B)</td></tr>\n</table>\n");
    buf_printf(html, "<p>Estimated bytes are ticketc's estimate of each layer's code and constants (unrolled: "
                     "about 20 bytes per kept weight; loop: the value and its index; dense: the whole table). "
                     "MACs are multiply-adds per inference.</p>\n");

}

void write_report(Graph *g, const EmitOptions *eo, Buf *html)
{
    int k;

    buf_printf(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ticketc report: ");
    esc(html, g->source);
    buf_printf(html, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>ticketc report: <code>", style);
    esc(html, g->source);
    buf_printf(html, "</code></h1>\n");

    buf_printf(html, "<h2>Provenance</h2>\n<table>\n");
    buf_printf(html, "<tr><th>model file</th><td><code>");
    esc(html, g->source);
    buf_printf(html, "</code></td></tr>\n<tr><th>SHA-256</th><td><code class=\"h\">%s</code></td></tr>\n", g->sha256);
    buf_printf(html, "<tr><th>producer</th><td>");
    esc(html, g->producer && g->producer[0] ? g->producer : "(not recorded)");
    buf_printf(html, "</td></tr>\n<tr><th>opset</th><td>%lld</td></tr>\n", (long long)g->opset);
    buf_printf(html, "<tr><th>compiler</th><td>ticketc %s</td></tr>\n", TICKETC_VERSION);
    buf_printf(html, "<tr><th>options</th><td><code>");
    esc(html, eo->options && eo->options[0] ? eo->options : "(none)");
    buf_printf(html, "</code></td></tr>\n<tr><th>API</th><td><code>");
    esc(html, eo->prefix);
    buf_printf(html, "_run</code></td></tr>\n</table>\n");

    if (g->quant) /* integer code: its own table, the float forms do not apply */
        int_layers(g, html);
    else
        float_layers(g, html);
    buf_printf(html, "<h2>Weight masks</h2>\n<p>One image per layer with constant weights: a row per output, "
                     "a column per input; black = weight kept, white = pruned (grey: a shrunk block, darker "
                     "the more it keeps).</p>\n");
    for (k = 0; k < g->nn; k++) {
        const Node *n = &g->n[k];
        LayerWeights L;
        if (n->dead || !layer_weights(g, n, &L))
            continue;
        buf_printf(html, "<figure>\n");
        mask_image(html, &L, g->a);
        buf_printf(html, "\n<figcaption>node %d %s <code>", n->index, op_name(n->op));
        esc(html, n->name);
        buf_printf(html, "</code>, weights <code>");
        esc(html, L.wname);
        if (n->op == OP_CONV)
            buf_printf(html, "</code>: %lld output channels &times; %lld taps (input channels &times; kernel), ",
                       (long long)L.N, (long long)L.K);
        else
            buf_printf(html, "</code>: %lld outputs &times; %lld inputs, ", (long long)L.N, (long long)L.K);
        num(html, L.nnz);
        buf_printf(html, " kept</figcaption>\n</figure>\n");
    }
    buf_printf(html, "</body>\n</html>\n");
}
