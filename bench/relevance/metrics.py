"""Ranking metrics over graded judgments (grades 0-3).

NDCG@k: discounted cumulative gain with exponential gains, sum((2^grade - 1) / log2(rank + 1)) over the
first k results, divided by the same sum for the ideal order of every judged product (Järvelin and
Kekäläinen; the gain form used by Burges et al. and by trec_eval's ndcg). 1.0 means the best possible
first k; a query whose judged products are all missing scores 0.

MRR: the mean over queries of 1 / rank of the first good result (grade >= 2) among those shown, 0
when none is shown.
"""
import math


def dcg(grades):
    return sum((2 ** grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg(ranked_grades, judged_grades, k):
    ideal = dcg(sorted(judged_grades, reverse=True)[:k])
    return dcg(list(ranked_grades)[:k]) / ideal if ideal else 0.0


def reciprocal_rank(ranked_grades, good=2):
    return next((1.0 / (rank + 1) for rank, grade in enumerate(ranked_grades) if grade >= good), 0.0)


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else 0.0
