"""Keras models whose losses disagree with their last layer."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

binary_model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
])
binary_model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy())  # expect: LL001

sigmoid_model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
sigmoid_model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))  # expect: LL002

softmax_model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
softmax_model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # expect: LL003
)

linear_model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(10),
])
linear_model.compile(optimizer="adam", loss="categorical_crossentropy")  # expect: LL005

labels = tf.random.uniform((32,), maxval=10, dtype=tf.int32)
one_hot = tf.one_hot(labels, 10)
softmax_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
softmax_model.fit(tf.random.normal((32, 20)), one_hot)  # expect: LL010 (one-hot labels, sparse CE)

logits = linear_model(tf.random.normal((32, 20)))
loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=one_hot, logits=tf.sigmoid(logits))  # expect: LL002
