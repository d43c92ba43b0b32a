"""Sources: papers that come as metadata rather than as a PDF to parse.

arxiv.py         arXiv's Atom feed: answers of the API and responses saved on disk
arxiv_client.py  the paced, batched, retrying client of the arXiv API (and its PDFs)
abstracts.py     abstract files written by hand (.txt, .md, .json, .jsonl)

Each gives :class:`~digest.models.Paper` records (origin "arxiv" or "text"); the pipeline merges
one with the PDF of the same paper when both are given (digest.merge).
"""
