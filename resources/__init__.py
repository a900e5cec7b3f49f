"""Package data (installed as ``phidesk.resources``): the model catalog and other data files, read with
``importlib.resources`` so they work from a source tree, a wheel and a frozen app alike."""
