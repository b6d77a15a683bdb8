"""Keras losses on tensors written in the code: hover a call for its value, as Keras computes it.

The numbers are the ones Keras's documentation gives for these calls.
"""
import tensorflow as tf

bce = tf.keras.losses.BinaryCrossentropy()
print(bce([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]))  # 0.815

cce = tf.keras.losses.CategoricalCrossentropy()
print(cce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]))  # 1.177

scce = tf.keras.losses.SparseCategoricalCrossentropy()
print(scce([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]))  # 1.177
