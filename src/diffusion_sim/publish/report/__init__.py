"""The report of a results folder: built once as a document, rendered as HTML and as PDF.

:mod:`.document` builds the :class:`~.document.Document` (headline sentences, key numbers, figures,
assumptions, method); :mod:`.html` renders it as one self-contained page, :mod:`.pdf` as A4 pages.
Writing both into a results folder is :mod:`diffusion_sim.publish.write`.
"""
