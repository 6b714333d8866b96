"""The training workflow in the window: controller, worker and the dataset/train/curves/results panels.
"""
