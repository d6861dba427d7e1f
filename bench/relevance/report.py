"""The printed report: the summary table, per-pattern figures, the queries the shop loses, and the
"Did you mean" proposals that drop digits."""
import re

from bench.relevance.harness import CLEARLY_WORSE, SAME


def _row(label, shop, reference):
    ratio = f"{shop / reference:5.2f}" if reference else "    -"
    return f"  {label:<24} {shop:6.3f}   {reference:6.3f}   {ratio}"


def _top3(answer, names):
    return "; ".join(f"{grade} {names.get(sku, sku)[:38]}" for sku, grade in zip(answer.skus[:3], answer.grades)) or "(nothing)"


def summary_lines(report):
    results, suggestions = report.results, report.suggestions
    lines = [f"  {'':<24} {'shop':>6}   {'FTS5':>6}   shop/FTS5"]
    for kind in (results, suggestions):
        lines.append(_row(f"{kind.name} NDCG@{kind.k}", kind.ndcg("shop"), kind.ndcg("fts")))
        lines.append(_row(f"{kind.name} MRR", kind.mrr("shop"), kind.mrr("fts")))
    for kind in (results, suggestions):
        better, same, worse = kind.tally()
        lines.append(f"  {kind.name}: shop better on {better}, the same on {same}, worse on {worse} of "
                     f"{len(kind.outcomes)} (NDCG@{kind.k} apart by more than {SAME})")
    return lines


def pattern_lines(kind):
    lines = [f"  {'pattern':<16} {'n':>3}   NDCG@{kind.k} shop   FTS5    MRR shop   FTS5"]
    for pattern, outcomes in kind.by_pattern().items():
        lines.append(f"  {pattern:<16} {len(outcomes):>3}   {kind.ndcg('shop', outcomes):10.3f} "
                     f"{kind.ndcg('fts', outcomes):6.3f}   {kind.mrr('shop', outcomes):8.3f} {kind.mrr('fts', outcomes):6.3f}")
    return lines


def loss_lines(kind, names):
    lines = []
    for o in sorted(kind.losses(), key=lambda o: o.shop.ndcg3 - o.fts.ndcg3):
        lines.append(f"  {o.text!r} [{' '.join(o.patterns)}]  NDCG@3 shop {o.shop.ndcg3:.2f} vs FTS5 {o.fts.ndcg3:.2f}")
        lines.append(f"      shop: {_top3(o.shop, names)}")
        lines.append(f"      FTS5: {_top3(o.fts, names)}")
    return lines or ["  none"]


def digits_dropped(text, proposal):
    """The query's words with a digit that the proposal no longer contains (dropped or changed)."""
    digits = [w for w in re.findall(r"\w+", text.lower()) if any(c.isdigit() for c in w)]
    return [w for w in digits if w not in proposal.lower()]


def proposal_lines(kind):
    """Each proposal, and whether following it gives a better page for what the shopper wanted."""
    proposals = [o for o in kind.outcomes if o.did_you_mean]
    dropping = [o for o in proposals if digits_dropped(o.text, o.did_you_mean)]
    better = [o for o in proposals if o.proposal_ndcg > o.shop.ndcg + SAME]
    worse = [o for o in proposals if o.proposal_ndcg < o.shop.ndcg - SAME]
    lines = [f"  {len(proposals)} of {len(kind.outcomes)} result pages propose a correction; following it gives a "
             f"better page (NDCG@{kind.k}, by the query's judgments) for {len(better)}, a worse one for {len(worse)}; "
             f"{len(dropping)} drop or change a word with digits"]
    for o in proposals:
        notes = ["digits dropped or changed"] if o in dropping else []
        notes += ["better"] if o in better else ["worse"] if o in worse else []
        lines.append(f"  {o.text!r:28} -> {o.did_you_mean!r:28} NDCG {o.shop.ndcg:.2f} -> {o.proposal_ndcg:.2f}"
                     + (f"   ({', '.join(notes)})" if notes else ""))
    return lines


def every_query_lines(kind, names):
    lines = []
    for o in kind.outcomes:
        lines.append(f"  {o.text!r:32} NDCG shop {o.shop.ndcg:.2f} FTS5 {o.fts.ndcg:.2f}   RR shop {o.shop.rr:.2f} "
                     f"FTS5 {o.fts.rr:.2f}   [{' '.join(o.patterns)}]")
        lines.append(f"      shop: {_top3(o.shop, names)}")
        lines.append(f"      FTS5: {_top3(o.fts, names)}")
    return lines


def print_report(report, names, every_query=False, out=print):
    out(f"{report.products} products; {len(report.results.outcomes)} results-page queries, "
        f"{len(report.suggestions.outcomes)} suggestion prefixes")
    for line in summary_lines(report):
        out(line)
    for kind in (report.results, report.suggestions):
        out(f"\n{kind.name} by pattern (a query may have several):")
        for line in pattern_lines(kind):
            out(line)
    for kind in (report.results, report.suggestions):
        out(f"\n{kind.name}: the shop's top three clearly worse than FTS5's (NDCG@3 lower by {CLEARLY_WORSE} or more):")
        for line in loss_lines(kind, names):
            out(line)
    out("\n\"Did you mean\" on the results page:")
    for line in proposal_lines(report.results):
        out(line)
    if every_query:
        for kind in (report.results, report.suggestions):
            out(f"\nevery {kind.name} query (top three: grade and name):")
            for line in every_query_lines(kind, names):
                out(line)
