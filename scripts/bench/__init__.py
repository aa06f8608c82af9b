"""The labelled clone benchmark behind ``scripts/benchmark.py``, one job per module.

``common`` (data path, kinds, sizes), ``sources`` (face sets, Cresci accounts), ``photos`` and
``names`` (how clone and innocent profiles are made), ``embeddings`` (face embeddings once per
photo), ``world`` (the labelled world and its CSV), ``metrics`` (precision, recall, curves),
``baselines`` (single-signal methods), ``plot``, ``scaling`` (scan time at size), ``runner``
(one run end to end) and ``tables`` (the Markdown report). Scripts in ``scripts/`` import it as
``bench``: the folder a script runs from is on ``sys.path``.
"""
