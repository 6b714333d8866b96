"""Labelling a folder of unlabelled scans in the app: the Label dock and its controller."""
