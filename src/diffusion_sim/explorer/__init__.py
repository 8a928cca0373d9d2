"""A scenario explorer in the browser (issue 8): policy makers move levers and see both strategies side by side.

``levers.py`` says which parameters are levers and turns lever values into validated parameters,
``engine.py`` runs paired replications on a warm process pool and cancels stale runs,
``region_view.py`` replays one typical run for the map and an organisation's story,
``export.py`` writes the settings as a scenario file, ``app.py`` is the Solara page and
``server.py`` starts it for ``diffusion-sim explore``. Only ``app.py`` and ``server.py`` import Solara.
"""
