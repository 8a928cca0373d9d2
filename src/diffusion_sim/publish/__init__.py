"""Everything a reader sees, apart from the analysis that computed it: words, number formats, figures and the report.

Each module does one job: :mod:`.formats` (languages, numbers, calendar months), :mod:`.words`
(labels and sentences in Dutch and English), :mod:`.assumptions` (the key-assumption rows),
:mod:`.style` (the one palette and house style of every figure), :mod:`.figures` (the study
figures), :mod:`.analysis_figures` (sweeps, sensitivity, calibration, regions, validation),
:mod:`.report` (the report as a document, HTML and PDF) and :mod:`.write` (figures and report
into a results folder). Nothing here runs the model; the analysis modules compute, these show.
"""
