// TensorFlow.js's losses on tensors written in the code: hover a call for its value, as TensorFlow.js computes it.
import * as tf from '@tensorflow/tfjs';

export const softmax = tf.losses.softmaxCrossEntropy(tf.tensor2d([[0, 1, 0], [0, 0, 1]]), tf.tensor2d([[0.5, 2.0, -1.0], [1.0, 0.2, 0.3]]));

export const sigmoid = tf.losses.sigmoidCrossEntropy(tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[0.6, 0.1], [0.3, 0.8]]));

export const logLoss = tf.losses.logLoss(tf.tensor1d([1, 0, 1]), tf.tensor1d([0.9, 0.2, 0.6]), undefined, undefined, tf.Reduction.SUM);

export const squared = tf.losses.meanSquaredError(tf.tensor1d([1, 2]), tf.tensor1d([1.5, 0]));

export const cosine = tf.losses.cosineDistance(tf.tensor2d([[0.6, 0.8]]), tf.tensor2d([[0.8, 0.6]]), 1);
