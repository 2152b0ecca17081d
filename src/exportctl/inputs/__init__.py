"""Inputs: item facts, transfers and batch files, parsed and validated against the law."""
