"""Training: ``train()``, augmentation and tf.data pipelines, callbacks, distribution and
evaluation. TensorFlow is imported lazily, inside the functions that need it.
"""
