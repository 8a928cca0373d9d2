"""Analysis of results: summaries and paired comparisons."""
