"""Built-in synthetic data (no downloads): the CT demo phantoms and the benchmarks' generators.
"""
