"""optax's losses on arrays written in the code: hover a call for its value, as optax computes it.

optax does not reduce: each call gives the loss of each example (each element for the
regression losses), and the training code takes the mean.
"""
import jax.numpy as jnp
import optax

logits = jnp.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
print(optax.softmax_cross_entropy(logits, jnp.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])))  # [0.4076, 1.0986]
print(optax.softmax_cross_entropy_with_integer_labels(logits, jnp.array([2, 0])))  # [0.4076, 1.0986]
print(optax.sigmoid_binary_cross_entropy(jnp.array([0.0, 2.0]), jnp.array([1.0, 0.0])))  # [0.6931, 2.1269]
print(optax.l2_loss(jnp.array([1.0, 2.0]), jnp.array([0.0, 0.0])))  # [0.5, 2.0]
print(optax.huber_loss(jnp.array([0.2, 3.0]), jnp.array([0.0, 0.0]), delta=0.5))  # [0.02, 1.375]
print(optax.losses.cosine_distance(jnp.array([[1.0, 0.0], [3.0, 4.0]]), jnp.array([[0.0, 2.0], [3.0, 4.0]])))  # [1.0, 0.0]
