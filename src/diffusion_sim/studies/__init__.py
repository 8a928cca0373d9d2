"""Studies: what plans the work, sends it to the executors and writes one results folder.

One module per kind of study, each ``plan -> executors -> analysis -> results.write_folder``:
``compare`` (run and compare), ``sweep``, ``sensitivity``, ``calibrate``, ``regions``, ``validate``;
``points`` runs the design points of the analytic studies (resumable, in batches). The numbers
themselves come from ``analysis/`` and ``outcomes.py``; a study draws nothing itself: the command line
hands it the drawing function from ``publish/``, so figures land in the folder being written.
"""
