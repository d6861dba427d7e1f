"""Search relevance: a judged catalog and queries (set/), the shop and an SQLite FTS5 reference asked
the same questions, NDCG and MRR for both. `python -m bench.relevance`; see docs/relevance.md."""
