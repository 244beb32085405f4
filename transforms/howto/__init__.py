"""How-to procedures: mined from help pages, typed step by step, filtered and grounded."""
