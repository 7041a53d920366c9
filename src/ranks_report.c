#include "ranks_report.h"

int psum_ranks_json(FILE *out, const psum_ranks *r)
{
    fprintf(out, "  \"ranks\": %d,\n  \"threads_per_rank\": %d,\n  \"nodes\": %d,\n"
            "  \"ranks_per_node\": %d,\n  \"imbalance\": {\"min_s\": %.9g, \"mean_s\": %.9g, "
            "\"max_s\": %.9g},\n  \"reduce_s\": ",
            r->ranks, r->threads_per_rank, r->nodes, r->ranks_per_node, r->imbalance.min_s,
            r->imbalance.mean_s, r->imbalance.max_s);
    if (r->reduce_s >= 0)
        fprintf(out, "%.9g", r->reduce_s);
    else
        fputs("null", out);
    return ferror(out) ? -1 : 0;
}

int psum_ranks_text(FILE *out, const psum_ranks *r)
{
    fprintf(out, "ranks     %d on %d node%s (at most %d per node), %d threads per rank\n",
            r->ranks, r->nodes, r->nodes == 1 ? "" : "s", r->ranks_per_node,
            r->threads_per_rank);
    fprintf(out, "local sum per rank, median s: min %.4f, mean %.4f, max %.4f "
            "(imbalance max/mean %.2f)\n", r->imbalance.min_s, r->imbalance.mean_s,
            r->imbalance.max_s,
            r->imbalance.mean_s > 0 ? r->imbalance.max_s / r->imbalance.mean_s : 1.0);
    if (r->reduce_s >= 0)
        fprintf(out, "reduction %.1f us per repetition (median, beyond the slowest local sum)\n",
                r->reduce_s * 1e6);
    return ferror(out) ? -1 : 0;
}

int psum_ranks_csv_header(FILE *out)
{
    fputs(",ranks,threads_per_rank,nodes,ranks_per_node,imbalance_min_s,imbalance_mean_s,"
          "imbalance_max_s,reduce_s", out);
    return ferror(out) ? -1 : 0;
}

int psum_ranks_csv_values(FILE *out, const psum_ranks *r)
{
    fprintf(out, ",%d,%d,%d,%d,%.9g,%.9g,%.9g,", r->ranks, r->threads_per_rank, r->nodes,
            r->ranks_per_node, r->imbalance.min_s, r->imbalance.mean_s, r->imbalance.max_s);
    if (r->reduce_s >= 0)
        fprintf(out, "%.9g", r->reduce_s);
    return ferror(out) ? -1 : 0;
}
