"""The Keras models of train_bugs.py with losses that match their last layer."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

binary_model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
binary_model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))

softmax_model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
softmax_model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())

linear_model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(10),
])
linear_model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))

labels = tf.random.uniform((32,), maxval=10, dtype=tf.int32)
softmax_model.fit(tf.random.normal((32, 20)), labels)

logits = linear_model(tf.random.normal((32, 20)))
loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.one_hot(labels, 10), logits=logits)
