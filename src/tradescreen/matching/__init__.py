"""Party matching engine: name analysis, a sparse candidate index and an explained, calibrated scorer.

    from tradescreen.matching import Screener, Query
    screener = Screener.from_ftm_file("corpus.jsonl")
    for m in screener.match(Query(["Abu Zubaida"], schema="Person")):
        print(m.score, m.caption, m.explanation[0].detail)
"""

from tradescreen.matching.model import Feature, Match, Query
from tradescreen.matching.screener import Screener

__all__ = ["Feature", "Match", "Query", "Screener"]
