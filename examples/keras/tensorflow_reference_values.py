"""TensorFlow's own losses on tensors written in the code: hover a call for its value.

`tf.nn.*_with_logits` give the loss of each example; TensorFlow 1's `tf.compat.v1.losses.*`
reduce it with their weights, by default the mean over the non-zero weights.
"""
import tensorflow as tf

labels = tf.constant([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
logits = tf.constant([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
print(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))  # [0.4076, 1.0986]
print(tf.compat.v1.losses.softmax_cross_entropy(labels, logits))  # 0.7531
print(tf.compat.v1.losses.softmax_cross_entropy(labels, logits, weights=[1.0, 0.0]))  # 0.4076
print(tf.compat.v1.losses.mean_squared_error([1.0, 2.0], [1.5, 0.0]))  # 2.125
print(tf.compat.v1.losses.huber_loss([1.0, 2.0], [1.5, 0.0], delta=0.5, reduction=tf.compat.v1.losses.Reduction.SUM))  # 1.0
