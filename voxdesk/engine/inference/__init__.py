"""Inference: classify volumes with a bundle, batch items, explanations (Grad-CAM) and reports.
"""
