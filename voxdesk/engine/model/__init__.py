"""What a model bundle holds, shared by training and inference: the networks, the
preprocessing spec, the input-consistency statistics and the bundle file itself.
"""
