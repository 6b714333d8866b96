"""What every GUI part stands on: workers, the TensorFlow runtime, settings, resources, style.
"""
