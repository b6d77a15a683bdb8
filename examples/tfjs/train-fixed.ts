// The TensorFlow.js models of train-bugs.ts with matching losses.
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });

const classifier = tf.sequential();
classifier.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));
classifier.add(tf.layers.dense({ units: 3 }));

const xs = tf.randomNormal([4, 8]);
const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 0], 'int32'), 3);
const logits = classifier.predict(xs) as tf.Tensor;

export const loss = tf.losses.softmaxCrossEntropy(labels, logits);
