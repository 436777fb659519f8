"""The `letters` command group, assembled from the commands each package owns.

corpus/ fills the store, indexer/ builds and queries the index, webapp/ serves it; this joins them.
"""
