"""The ITAR paragraphs' own evaluators, one module per paragraph (``s126_7`` for 22 CFR 126.7):
each registers the requirement tests its paragraph's data names."""
