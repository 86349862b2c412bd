"""Reference BM25 for `npm run eval`: bm25s (Lucene variant) with English stopwords and the
Porter stemmer from PyStemmer, run on the same raw text the pipeline ingests. A test tool only.

stdin: {"documents": [{"id", "text"}], "queries": [{"id", "text"}], "k": int, "k1": float, "b": float}
stdout: {"rankings": {query_id: [document_id, ...]}, "version": str}
"""
import json
import sys

import bm25s
import Stemmer


def main() -> None:
    request = json.load(sys.stdin)
    ids = [d["id"] for d in request["documents"]]
    stemmer = Stemmer.Stemmer("porter")
    corpus = bm25s.tokenize([d["text"] for d in request["documents"]], stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25(method="lucene", k1=request["k1"], b=request["b"])
    retriever.index(corpus, show_progress=False)
    k = min(request["k"], len(ids))
    rankings = {}
    for query in request["queries"]:
        tokens = bm25s.tokenize([query["text"]], stopwords="en", stemmer=stemmer, show_progress=False)
        results, scores = retriever.retrieve(tokens, k=k, show_progress=False)
        rankings[query["id"]] = [ids[i] for i, s in zip(results[0], scores[0]) if s > 0]
    json.dump({"rankings": rankings, "version": f"bm25s {bm25s.__version__}, PyStemmer {Stemmer.version()}"}, sys.stdout)


if __name__ == "__main__":
    main()
