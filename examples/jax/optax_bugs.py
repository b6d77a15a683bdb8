"""A JAX classifier trained with optax losses fed the wrong space."""
import jax
import jax.numpy as jnp
import optax


def predict(params, x):
    return x @ params["w"] + params["b"]


def loss_fn(params, x, one_hot_labels):
    probs = jax.nn.softmax(predict(params, x))
    return optax.softmax_cross_entropy(probs, one_hot_labels).mean()  # expect: LL003


def binary_loss_fn(params, x, targets):
    scores = jax.nn.sigmoid(predict(params, x))
    return optax.sigmoid_binary_cross_entropy(scores, targets).mean()  # expect: LL002


def manual_loss_fn(params, x, one_hot_labels):
    probs = jax.nn.softmax(predict(params, x))
    return -jnp.mean(jnp.sum(one_hot_labels * jnp.log(probs), axis=-1))  # expect: LL008
